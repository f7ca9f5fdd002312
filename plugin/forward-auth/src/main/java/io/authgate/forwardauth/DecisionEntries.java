package io.authgate.forwardauth;

import io.authgate.core.DecisionRecord;
import io.authgate.core.RejectionRecorder;

import io.authgate.core.headers.IdentityHeaderNames;
import io.authgate.core.Decision;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The decision log's entry for one answered request; built only when the log is on. The method,
 * host and path are those of the request the gateway asks about (Envoy's request line, else the
 * configured forwarded headers, each read on its own so a missing one leaves only itself out); for
 * an answer given before any decision (404, 405, 400) they are the decision request's own.
 */
final class DecisionEntries {
    private static final Optional<String> AMBIGUOUS_PATH = Optional.of("ambiguous_path");
    private static final Optional<String> FORWARDED_HEADERS_MISSING = Optional.of("forwarded_headers_missing");

    private final Router router;
    private final String envoyPathPrefix;
    private final ForwardedHeaders family;

    DecisionEntries(Router router, String envoyPathPrefix, ForwardedHeaders family) {
        this.router = router;
        this.envoyPathPrefix = envoyPathPrefix;
        this.family = family;
    }

    /** A request that was decided. */
    DecisionRecord decided(HttpRequest request, DecisionRequest read, Decision decision, Metrics.Outcome outcome, long nanos) {
        HttpHeaders h = request.headers();
        Optional<String> method;
        Optional<String> host;
        Optional<String> path;
        if (read.envoy()) {
            method = Optional.of(read.method());
            host = Optional.ofNullable(h.get("host"));
            String under = read.path().substring(envoyPathPrefix.length());
            path = Optional.of(under.startsWith("/") ? under : "/" + under);
        } else {
            method = once(h, family.methodHeader);
            host = family.hostHeader == null ? Optional.empty() : once(h, family.hostHeader);
            path = once(h, family.uriHeader).map(ForwardedTarget::pathOf);
        }
        int status = decision instanceof Decision.Deny deny ? deny.status() : 200;
        Optional<String> userId = decision instanceof Decision.Allow allow
                ? Optional.ofNullable(allow.headers().get(IdentityHeaderNames.USER_ID)) : Optional.empty();
        return new DecisionRecord(Instant.now(), method.map(DecisionRecord::headerText), host.map(DecisionRecord::headerText),
                path.map(DecisionRecord::headerText), status, outcome.label, reasonOf(decision, read), router.ruleOf(read), userId, nanos);
    }

    /** An answer given before any decision: not the decision path, a method other than GET/HEAD, a request Netty could not parse. */
    DecisionRecord refused(HttpRequest request, int status, Metrics.Outcome outcome, long nanos) {
        boolean parsed = request.decoderResult().isSuccess();
        return new DecisionRecord(Instant.now(), parsed ? Optional.of(request.method().name()) : Optional.empty(), Optional.empty(),
                parsed ? Optional.of(DecisionRecord.headerText(ForwardedTarget.pathOf(request.uri()))) : Optional.empty(), status, outcome.label,
                Optional.empty(), Optional.empty(), Optional.empty(), nanos);
    }

    private Optional<String> reasonOf(Decision decision, DecisionRequest read) {
        if (read.credentials().trace() instanceof RejectionRecorder recorder && recorder.rejection().isPresent()) {
            return DecisionRecord.tokenReason(recorder.rejection().get());
        }
        if (decision == Router.AMBIGUOUS_PATH) {
            return AMBIGUOUS_PATH;
        }
        if (decision == family.undetermined) {
            return FORWARDED_HEADERS_MISSING;
        }
        return DecisionRecord.coreReason(decision);
    }

    /** The header's one value; empty when it is absent or repeated. */
    private static Optional<String> once(HttpHeaders h, String name) {
        List<String> values = h.getAll(name);
        return values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
    }
}

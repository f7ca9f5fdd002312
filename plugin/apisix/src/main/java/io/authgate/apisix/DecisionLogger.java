package io.authgate.apisix;

import io.authgate.core.DecisionRecord;
import io.authgate.core.LogLineQueue;
import io.authgate.core.RejectionRecorder;
import io.authgate.core.RequestTrace;
import io.authgate.core.headers.IdentityHeaderNames;
import io.authgate.core.Decision;
import org.apache.apisix.plugin.runner.HttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Optional;

/**
 * The runner's decision log: one JSON object per decision at INFO on the SLF4J logger
 * {@code io.authgate.decisions}, when the runner is started with {@code -Dauthgate.decision_log=true}
 * (in APISIX's {@code ext-plugin.cmd}). A runner-level switch rather than a route-value key: it is an
 * operator's choice for the process, and a route value is the application's. Off by default; off, a
 * decision costs one field read. The same fields as the adapter's decision log but {@code rule}
 * (APISIX's route chose the configuration) and {@code host}: APISIX hands the runner
 * {@code $upstream_host} in place of the client's Host (ext-plugin's request encoding), which would
 * read as the client's. The path is APISIX's ({@code ngx.var.uri}: decoded, no query).
 *
 * <p>Lines are handed to SLF4J by a thread of their own ({@link LogLineQueue}): log4j2's console
 * appender writes on the thread that logs, decisions are made on the runner's event loops, and the
 * runner's stdout is a pipe that APISIX's privileged agent drains in a Lua timer
 * ({@code setup_runner} in {@code ext-plugin/init.lua}); with the pipe full, logging on the event
 * loop stopped the runner answering after about 127 decisions. Past the queue's bound lines are
 * dropped and counted, and a line says how many.
 */
final class DecisionLogger {
    static final String SWITCH = "authgate.decision_log";
    private static final Logger LOG = LoggerFactory.getLogger("io.authgate.decisions");

    /** Lines wait here for their own thread, never the event loop's (see above); empty: the log is off. */
    private final Optional<LogLineQueue> lines;

    DecisionLogger(boolean enabled) {
        this.lines = enabled ? Optional.of(startQueue()) : Optional.empty();
    }

    private static LogLineQueue startQueue() {
        LogLineQueue queue = LogLineQueue.start("authgate-decision-log", LOG::info, () -> { });
        queue.dropNote(n -> "{\"time\":\"" + Instant.now() + "\",\"event\":\"decision_log_lines_dropped\",\"dropped\":" + n
                + ",\"message\":\"" + n + " decision line(s) dropped: the runner's output did not keep up\"}");
        return queue;
    }

    static DecisionLogger fromSystemProperty() {
        return new DecisionLogger(Boolean.getBoolean(SWITCH));
    }

    boolean enabled() {
        return lines.isPresent();
    }

    /** @param trace the request's {@link RejectionRecorder}, which says why its token was refused */
    void record(HttpRequest request, Decision decision, RequestTrace trace, long nanos) {
        if (lines.isEmpty()) {
            return;
        }
        String outcome;
        int status;
        Optional<String> coreReason = DecisionRecord.coreReason(decision);
        Optional<String> reason = trace instanceof RejectionRecorder recorder && recorder.rejection().isPresent()
                ? DecisionRecord.tokenReason(recorder.rejection().get()) : coreReason;
        Optional<String> userId = Optional.empty();
        if (decision instanceof Decision.Allow allow) {
            status = 200;
            outcome = allow.headers().isEmpty() ? "no_session" : "session";
            userId = Optional.ofNullable(allow.headers().get(IdentityHeaderNames.USER_ID));
        } else {
            Decision.Deny deny = (Decision.Deny) decision;
            status = deny.status();
            // The core's own denials are their reason (keys_unavailable, ...); any other 5xx is authgate's fault.
            outcome = coreReason.orElse(deny.status() >= 500 ? "internal_error" : "denied");
        }
        // As the runner gives it: flatbuffers decoded APISIX's bytes as UTF-8 already (headers, not the path,
        // come one char per byte), so decoding again would turn a path such as /api/\u00c3\u00a9 into another.
        Optional<String> path = Optional.ofNullable(request.getPath());
        lines.get().write(new DecisionRecord(Instant.now(), Optional.of(request.getMethod().name()), Optional.empty(), path, status, outcome, reason,
                Optional.empty(), userId, nanos).json());
    }
}

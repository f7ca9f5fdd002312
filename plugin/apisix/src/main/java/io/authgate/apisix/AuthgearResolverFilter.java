package io.authgate.apisix;

import io.authgate.core.headers.ClaimHeaders;
import io.authgate.core.headers.Header;
import io.authgate.core.headers.IdentityHeaderNames;
import io.authgate.core.Decision;
import io.authgate.core.Denials;
import io.authgate.core.GatewayRequest;
import io.authgate.core.RejectionRecorder;
import io.authgate.core.RequestTrace;
import org.apache.apisix.plugin.runner.HttpRequest;
import org.apache.apisix.plugin.runner.HttpResponse;
import org.apache.apisix.plugin.runner.filter.PluginFilter;
import org.apache.apisix.plugin.runner.filter.PluginFilterChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * The {@code AuthgearResolver} filter: Authgear's resolver, in the APISIX Java Plugin Runner. A thin
 * adapter: it reads the credentials from the runner's request, asks the core for a decision, and
 * writes the decision back in the runner's terms.
 *
 * <p>Runner 0.4.0 facts this relies on: header names arrive lower-cased; repeated headers collapse to
 * the last value; {@code request.setHeader(name, null)} deletes an upstream header, every line of that
 * name, also lines the runner never saw (APISIX applies it with {@code ngx.req.set_header(name, nil)});
 * the last setter called decides the action, so a denial calls only response setters and stops the chain.
 */
public final class AuthgearResolverFilter implements PluginFilter {
    public static final String NAME = "AuthgearResolver";
    private static final Logger LOG = LoggerFactory.getLogger(AuthgearResolverFilter.class);

    private final RouteGates routes;
    private final HeaderLineLimit lineLimit;
    private final DecisionLogger decisionLog;

    AuthgearResolverFilter(RouteGates routes, HeaderLineLimit lineLimit, DecisionLogger decisionLog) {
        this.routes = routes;
        this.lineLimit = lineLimit;
        this.decisionLog = decisionLog;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void filter(HttpRequest request, HttpResponse response, PluginFilterChain chain) {
        long started = System.nanoTime();
        Map<String, String> headers = request.getHeaders();
        Decision decision;
        // Only while the decision log is on does a request carry a recorder (one allocation) for its token's fate.
        RequestTrace trace = decisionLog.enabled() ? new RejectionRecorder() : RequestTrace.NONE;
        RouteGate route = null;
        try {
            GatewayRequest credentials = GatewayRequest.of(headers.get("authorization"), headers.get("cookie")).traced(trace);
            route = routes.forValue(request.getConfig(this));
            decision = route.resolve(credentials, request, headers);
        } catch (RuntimeException e) {
            // The core never throws for any input; if it ever does, fail closed without a stack
            // trace reaching the client, and without the request (which may hold a token) in the log.
            LOG.error("authgate: internal error resolving a request: {}", e.toString());
            decision = Denials.INTERNAL_ERROR;
        }
        if (decision instanceof Decision.Allow allow) {
            continueWith(allow, route, headers, lineLimit.mayHideLines(request), request);
        } else {
            stop((Decision.Deny) decision, response);
        }
        if (decisionLog.enabled()) {
            decisionLog.record(request, decision, trace, System.nanoTime() - started);
        }
        if (decision instanceof Decision.Allow) {
            chain.filter(request, response);
        }
    }

    private static void continueWith(Decision.Allow allow, RouteGate route, Map<String, String> clientHeaders, boolean linesHidden,
                                     HttpRequest request) {
        ClaimHeaders claims = route.claimHeaders();
        // APISIX may have kept lines from us that still go upstream: delete every spelling of every contract
        // name, seen or not. Only at the limit, as each deletion costs APISIX a scan of the header lines in
        // Lua (0.2-0.4 us each, bench/apisix-header-clear.sh); below it, what we saw is all there is.
        if (linesHidden) {
            List<String> spellings = ContractHeaderSpellings.ALL;
            for (int i = 0; i < spellings.size(); i++) {
                request.setHeader(spellings.get(i), null);
            }
            List<String> claimSpellings = route.claimHeaderSpellings();
            for (int i = 0; i < claimSpellings.size(); i++) {
                request.setHeader(claimSpellings.get(i), null);
            }
        }
        // Delete every identity header the client sent, and every header the route sets from claims,
        // whatever its spelling; APISIX deletes by exact name (any case), and x_authgear_* is a
        // different name from x-authgear-* to nginx.
        for (String name : clientHeaders.keySet()) {
            if (IdentityHeaderNames.isIdentityHeader(name) || claims.isSetHere(name)) {
                request.setHeader(name, null);
            }
        }
        // Then set ours; setting a name replaces all of a client's values of it.
        List<Header> identity = allow.headers().asList();
        for (int i = 0; i < identity.size(); i++) {
            Header h = identity.get(i);
            request.setHeader(h.name(), h.value());
        }
    }

    private static void stop(Decision.Deny deny, HttpResponse response) {
        response.setStatusCode(deny.status());
        for (Header h : deny.headers()) {
            response.setHeader(h.name(), h.value());
        }
        response.setBody(deny.body());
    }
}

package io.authgate.apisix;

import io.authgate.core.BrowserRequest;
import org.apache.apisix.plugin.runner.HttpRequest;

import java.util.Map;

/** The runner's request as the core's browser features read it; read only on routes that have one on. */
final class BrowserRequests {
    private BrowserRequests() {
    }

    /**
     * What the route's browser features read. The runner gives the method, the Host header (APISIX's
     * ext-plugin sends {@code $upstream_host} in its place: the client's Host under the route's default
     * {@code pass_host: pass}; with {@code node} or {@code rewrite} the upstream's, which then matches
     * no allowed origin and the navigation keeps its 401), the
     * path as APISIX routed it ({@code ngx.var.uri}: decoded, so escaped again here) and the query
     * arguments (as a map: their order and repeats are lost); not the scheme, which would cost a
     * round trip to APISIX on every request ({@code requiredVars}), so the allowed origin of the
     * host is taken ({@link BrowserRequest#scheme}).
     */
    static BrowserRequest of(HttpRequest request, Map<String, String> headers) {
        return new BrowserRequest(request.getMethod().name(), headers.get("origin"), headers.get("access-control-request-method"),
                headers.get("accept"), headers.get("sec-fetch-mode"), headers.get("x-requested-with"), null, headers.get("host"),
                RequestTarget.of(request.getPath(), request.getArgs()));
    }
}

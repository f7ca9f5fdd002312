package io.authgate.forwardauth;

import io.authgate.core.headers.Header;
import io.authgate.core.Decision;
import io.authgate.core.GatewayRequest;
import io.authgate.core.Gate;
import io.netty.handler.codec.http.HttpRequest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Decides a request with the resolver of the first rule whose match covers the forwarded request,
 * else the top-level configuration. With no rules the forwarded headers are not even read; with
 * rules, a request that does not say which request it is (see {@link ForwardedHeaders}) is refused
 * rather than guessed, and so is, when a rule looks at paths, a path backends may read otherwise than
 * the rules do ({@link PathNormalizer#ambiguous}): 403, which every gateway passes on as it is.
 */
final class Router {
    record Route(RouteMatch match, Gate resolver) {
    }

    private final List<Route> routes;
    private final Gate fallback;
    private final String envoyPathPrefix;
    private final ForwardedHeaders forwardedHeaders;
    private final CompletableFuture<Decision> undetermined;
    private final boolean pathRules;

    static final Decision.Deny AMBIGUOUS_PATH = new Decision.Deny(403, List.of(new Header("content-type", "application/json")),
            "{\"error\":\"forbidden\",\"error_description\":\"the request path is ambiguous (an encoded slash or"
                    + " backslash, a dot segment, a control character or an invalid escape)\"}\n");
    private static final CompletableFuture<Decision> AMBIGUOUS = CompletableFuture.completedFuture(AMBIGUOUS_PATH);

    Router(List<Route> routes, Gate fallback, String envoyPathPrefix, ForwardedHeaders forwardedHeaders) {
        this.routes = List.copyOf(routes);
        this.fallback = fallback;
        this.envoyPathPrefix = envoyPathPrefix;
        this.forwardedHeaders = forwardedHeaders;
        this.undetermined = CompletableFuture.completedFuture(forwardedHeaders.undetermined);
        this.pathRules = this.routes.stream().anyMatch(r -> r.match().pathPrefix() != null || r.match().pathRegex() != null);
    }

    /** @param envoy whether {@code request} came under {@code envoy_path_prefix} */
    CompletableFuture<Decision> decide(HttpRequest request, boolean envoy, GatewayRequest credentials) {
        if (routes.isEmpty()) {
            return fallback.resolveAsync(credentials);
        }
        ForwardedTarget target = ForwardedTarget.of(request, envoy ? envoyPathPrefix : null, forwardedHeaders);
        if (target.undetermined()) {
            return undetermined;
        }
        if (pathRules && PathNormalizer.ambiguous(target.path())) {
            return AMBIGUOUS;
        }
        for (int i = 0; i < routes.size(); i++) {
            if (routes.get(i).match().matches(target)) {
                return routes.get(i).resolver().resolveAsync(credentials);
            }
        }
        return fallback.resolveAsync(credentials);
    }
}

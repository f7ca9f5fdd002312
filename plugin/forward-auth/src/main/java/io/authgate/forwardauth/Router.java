package io.authgate.forwardauth;

import io.authgate.core.resolve.Decision;
import io.authgate.core.resolve.GatewayRequest;
import io.authgate.core.resolve.Resolver;
import io.netty.handler.codec.http.HttpRequest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Decides a request with the resolver of the first rule whose match covers the forwarded request,
 * else the top-level configuration. With no rules the forwarded headers are not even read; with
 * rules, a request that does not say which request it is (see {@link ForwardedHeaders}) is refused
 * rather than guessed.
 */
final class Router {
    record Route(RouteMatch match, Resolver resolver) {
    }

    private final List<Route> routes;
    private final Resolver fallback;
    private final String envoyPathPrefix;
    private final ForwardedHeaders forwardedHeaders;
    private final CompletableFuture<Decision> undetermined;

    Router(List<Route> routes, Resolver fallback, String envoyPathPrefix, ForwardedHeaders forwardedHeaders) {
        this.routes = List.copyOf(routes);
        this.fallback = fallback;
        this.envoyPathPrefix = envoyPathPrefix;
        this.forwardedHeaders = forwardedHeaders;
        this.undetermined = CompletableFuture.completedFuture(forwardedHeaders.undetermined);
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
        for (int i = 0; i < routes.size(); i++) {
            if (routes.get(i).match().matches(target)) {
                return routes.get(i).resolver().resolveAsync(credentials);
            }
        }
        return fallback.resolveAsync(credentials);
    }
}

package io.authgate.forwardauth;

import io.authgate.core.resolve.Resolver;
import io.netty.handler.codec.http.HttpRequest;

import java.util.List;

/**
 * Picks the resolver for a decision request: the first rule whose match covers the forwarded
 * request, else the top-level configuration. With no rules the forwarded headers are not even read.
 */
final class Router {
    record Route(RouteMatch match, Resolver resolver) {
    }

    private final List<Route> routes;
    private final Resolver fallback;
    private final String envoyPathPrefix;

    Router(List<Route> routes, Resolver fallback, String envoyPathPrefix) {
        this.routes = List.copyOf(routes);
        this.fallback = fallback;
        this.envoyPathPrefix = envoyPathPrefix;
    }

    Resolver resolverFor(HttpRequest request) {
        if (routes.isEmpty()) {
            return fallback;
        }
        ForwardedTarget target = ForwardedTarget.of(request, envoyPathPrefix);
        for (int i = 0; i < routes.size(); i++) {
            if (routes.get(i).match().matches(target)) {
                return routes.get(i).resolver();
            }
        }
        return fallback;
    }
}

package io.authgate.apisix;

import org.apache.apisix.plugin.runner.A6Conf;
import org.apache.apisix.plugin.runner.A6ConfigWatcher;

/**
 * Validates a route's value when APISIX first sends the route's configuration (PrepareConf), before
 * any request: a bad value is logged at once, and good keys start loading, rather than both waiting
 * for the first request.
 */
final class AuthgateConfigWatcher implements A6ConfigWatcher {
    private final RouteGates routes;

    AuthgateConfigWatcher(RouteGates routes) {
        this.routes = routes;
    }

    @Override
    public String name() {
        return AuthgearResolverFilter.NAME;
    }

    @Override
    public void watch(long confToken, A6Conf conf) {
        if (conf.getConfig() != null && conf.getConfig().containsKey(AuthgearResolverFilter.NAME)) {
            routes.forValue(conf.getConfig().get(AuthgearResolverFilter.NAME));
        }
    }
}

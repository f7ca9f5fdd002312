package io.authgate.apisix;

import io.authgate.core.config.ConfigException;
import io.authgate.core.Decision;
import io.authgate.core.Denials;
import io.authgate.core.GatewayRequest;
import io.authgate.core.Gate;

/**
 * What one route's plugin value turned into: a resolver, or the configuration error that stops every
 * request on that route. Built once per distinct value, never per request.
 */
sealed interface RouteGate permits RouteGate.Configured, RouteGate.Misconfigured {

    Decision resolve(GatewayRequest request);

    record Configured(Gate resolver) implements RouteGate {
        @Override
        public Decision resolve(GatewayRequest request) {
            return resolver.resolve(request);
        }
    }

    /** An invalid configuration never lets a request through unauthenticated. */
    record Misconfigured(ConfigException error, Decision.Deny denial) implements RouteGate {
        Misconfigured(ConfigException error) {
            this(error, Denials.invalidConfig(error));
        }

        @Override
        public Decision resolve(GatewayRequest request) {
            return denial;
        }
    }
}

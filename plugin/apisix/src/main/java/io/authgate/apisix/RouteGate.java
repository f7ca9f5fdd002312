package io.authgate.apisix;

import io.authgate.core.config.ConfigException;
import io.authgate.core.Decision;
import io.authgate.core.Denials;
import io.authgate.core.GatewayRequest;
import io.authgate.core.Gate;
import io.authgate.core.headers.ClaimHeaders;

import java.util.List;

/**
 * What one route's plugin value turned into: a resolver, or the configuration error that stops every
 * request on that route. Built once per distinct value, never per request.
 */
sealed interface RouteGate permits RouteGate.Configured, RouteGate.Misconfigured {

    Decision resolve(GatewayRequest request);

    /** The headers this route sets from claims, which a client may therefore not send on it. */
    ClaimHeaders claimHeaders();

    /**
     * Every spelling of the claim header names, for deleting lines the runner could not see
     * ({@link ContractHeaderSpellings}); computed once per route.
     */
    List<String> claimHeaderSpellings();

    record Configured(Gate resolver, List<String> claimHeaderSpellings) implements RouteGate {
        Configured(Gate resolver) {
            this(resolver, ContractHeaderSpellings.allSpellings(resolver.config().claimHeaders().headerNames()));
        }

        @Override
        public Decision resolve(GatewayRequest request) {
            return resolver.resolve(request);
        }

        @Override
        public ClaimHeaders claimHeaders() {
            return resolver.config().claimHeaders();
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

        /** Nothing goes upstream on this route: nothing to delete. */
        @Override
        public ClaimHeaders claimHeaders() {
            return ClaimHeaders.NONE;
        }

        @Override
        public List<String> claimHeaderSpellings() {
            return List.of();
        }
    }
}

package io.authgate.apisix;

import io.authgate.core.BrowserAnswers;
import io.authgate.core.BrowserRequest;
import io.authgate.core.config.ConfigException;
import io.authgate.core.Decision;
import io.authgate.core.Denials;
import io.authgate.core.GatewayRequest;
import io.authgate.core.Gate;
import io.authgate.core.headers.ClaimHeaders;

import org.apache.apisix.plugin.runner.HttpRequest;

import java.util.List;
import java.util.Map;

/**
 * What one route's plugin value turned into: a resolver, or the configuration error that stops every
 * request on that route. Built once per distinct value, never per request.
 */
sealed interface RouteGate permits RouteGate.Configured, RouteGate.Misconfigured {

    /**
     * @param runnerRequest the runner's request, and {@code headers} its headers: read for
     *                      {@link BrowserRequests} only when the route has a browser feature on
     */
    Decision resolve(GatewayRequest request, HttpRequest runnerRequest, Map<String, String> headers);

    /** The headers this route sets from claims, which a client may therefore not send on it. */
    ClaimHeaders claimHeaders();

    /**
     * Every spelling of the claim header names, for deleting lines the runner could not see
     * ({@link ContractHeaderSpellings}); computed once per route.
     */
    List<String> claimHeaderSpellings();

    /** @param browserAnswers the route's {@code allow_cors_preflight} and {@code login_redirect} */
    record Configured(Gate resolver, BrowserAnswers browserAnswers, List<String> claimHeaderSpellings) implements RouteGate {
        Configured(Gate resolver, BrowserAnswers browserAnswers) {
            this(resolver, browserAnswers, ContractHeaderSpellings.allSpellings(resolver.config().claimHeaders().headerNames()));
        }

        @Override
        public Decision resolve(GatewayRequest request, HttpRequest runnerRequest, Map<String, String> headers) {
            if (!browserAnswers.readsRequests()) {
                return resolver.resolve(request);
            }
            BrowserRequest b = BrowserRequests.of(runnerRequest, headers);
            if (browserAnswers.passesPreflight(b, request)) {
                return BrowserAnswers.PREFLIGHT;
            }
            // APISIX answers the filter's 302 to the client as it is.
            return browserAnswers.afterResolve(resolver.resolve(request), b, BrowserAnswers.RedirectStyle.FOUND);
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
        public Decision resolve(GatewayRequest request, HttpRequest runnerRequest, Map<String, String> headers) {
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

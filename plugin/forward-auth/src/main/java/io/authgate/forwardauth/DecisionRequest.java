package io.authgate.forwardauth;

import io.authgate.core.BrowserAnswers;
import io.authgate.core.BrowserRequest;
import io.authgate.core.GatewayRequest;
import io.authgate.core.RequestTrace;

/**
 * One decision request as the adapter reads it, once, at the edge ({@link DecisionRequests}):
 * everything the handler and the router look at, and no Netty type. Immutable.
 *
 * @param path        the decision request's own path (no query): {@code /_resolver/resolve}, or one
 *                    under Envoy's prefix
 * @param envoy       whether {@code path} is under {@code envoy_path_prefix}: any method is a decision
 * @param method      the decision request's own method
 * @param target      the request the gateway asks about; {@link ForwardedTarget#UNDETERMINED} too
 *                    when there are no rules, which then never read it
 * @param credentials what the core resolves
 * @param browser     what browser features read ({@link DecisionRequests#UNREAD_BROWSER} when no route has one)
 * @param redirectStyle how a login redirect is answered: a 401 with Location when the decision request
 *                    asks so ({@code ?login_redirect=401}, the shipped nginx config), else a 302
 */
record DecisionRequest(String path, boolean envoy, String method, ForwardedTarget target, GatewayRequest credentials,
                       BrowserRequest browser, BrowserAnswers.RedirectStyle redirectStyle) {
    DecisionRequest(String path, boolean envoy, String method, ForwardedTarget target, GatewayRequest credentials) {
        this(path, envoy, method, target, credentials, DecisionRequests.UNREAD_BROWSER, BrowserAnswers.RedirectStyle.FOUND);
    }

    /** This request with its credentials traced (the decision log, to know why a token was refused). */
    DecisionRequest traced(RequestTrace trace) {
        return new DecisionRequest(path, envoy, method, target, credentials.traced(trace), browser, redirectStyle);
    }
}

package io.authgate.core;

import io.authgate.core.config.AuthgateConfig;

import java.util.concurrent.CompletableFuture;

/**
 * One configuration's decision on requests: what its credentials resolve to (as Authgear's resolver
 * would), with the mode and the route's policy applied. Made by {@link Authgate#prepare}.
 * Thread-safe; never throws, and its futures never fail.
 */
public interface Gate {
    AuthgateConfig config();

    /**
     * Decides, for callers that may block (the APISIX runner's API is synchronous): at most the JWKS
     * wait timeout when keys must be fetched, plus {@code resolver.timeout_ms} for each call to
     * Authgear. A cached JWT on a route that is not live waits for nothing.
     */
    Decision resolve(GatewayRequest request);

    /** Decides without ever blocking the caller, for event loops; usually complete on return. */
    CompletableFuture<Decision> resolveAsync(GatewayRequest request);
}

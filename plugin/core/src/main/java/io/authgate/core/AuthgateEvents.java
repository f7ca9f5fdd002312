package io.authgate.core;

import io.authgate.core.jwt.TokenRejection;

import java.net.URI;
import java.time.Duration;

/**
 * What the core reports to its front, which logs it and counts it. The core itself neither logs nor
 * knows a logging framework: the APISIX runner has log4j, the adapter has its own. Implementations
 * must be cheap and thread-safe; every method has a no-op default. Nothing here carries a token.
 */
public interface AuthgateEvents {
    AuthgateEvents NONE = new AuthgateEvents() {
    };

    default void jwksFetched(URI source, int keys, int skipped, Duration ttl) {
    }

    default void jwksFetchFailed(URI source, String reason) {
    }

    default void tokenCacheHit() {
    }

    default void tokenCacheMiss() {
    }

    default void tokenRejected(TokenRejection reason) {
    }
}

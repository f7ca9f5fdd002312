package io.authgate.core.revocation.redis;

import io.authgate.core.RevocationFeedFailure;

import java.io.IOException;

/** A Redis call that failed, with the kind an operator acts on. The message never holds a password or an event. */
final class RedisException extends IOException {
    private final RevocationFeedFailure failure;

    RedisException(RevocationFeedFailure failure, String message) {
        super(message);
        this.failure = failure;
    }

    RedisException(RevocationFeedFailure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    RevocationFeedFailure failure() {
        return failure;
    }
}

package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;

/**
 * Thrown inside the verifier to leave the cold path early; never escapes it. Stackless: a bad token
 * is an everyday input, not an error, and must not cost a stack trace.
 */
final class RejectedTokenException extends RuntimeException {
    private final TokenRejection rejection;

    RejectedTokenException(TokenRejection rejection) {
        super(rejection.name(), null, false, false);
        this.rejection = rejection;
    }

    public TokenRejection rejection() {
        return rejection;
    }
}

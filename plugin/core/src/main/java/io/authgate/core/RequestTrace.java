package io.authgate.core;

/**
 * What a front hears about one request's resolution beyond its {@link Decision}: for a decision
 * log, why a bearer token that decided the request was refused. Carried by the request
 * ({@link GatewayRequest#traced}); {@link #NONE} when nobody listens, which costs nothing. Called on
 * whichever thread finished the resolution; must not block.
 */
public interface RequestTrace {
    RequestTrace NONE = reason -> {
    };

    /** The request's bearer token was not accepted, and no other credential gave a session. */
    void tokenRejected(TokenRejection reason);
}

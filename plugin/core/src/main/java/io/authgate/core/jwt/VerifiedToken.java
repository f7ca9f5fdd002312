package io.authgate.core.jwt;

import io.authgate.core.headers.Header;
import io.authgate.core.headers.IdentityHeaders;
import io.authgate.core.resolution.Resolution;

import java.util.List;

/**
 * An access token whose signature verified, with what a request needs of it rendered once, where it
 * enters the cache: its identity headers, and its session as a {@link Resolution.Session}. A cache
 * hit hands out this same object, so it costs nothing to build. Only {@link AccessTokenVerifier}
 * makes one (the constructor is package-private), after the signature check: a token merely parsed
 * ({@link AccessToken}) cannot pass for a verified one.
 */
final class VerifiedToken implements Verification {
    private final AccessToken token;
    private final Resolution.Session session;

    VerifiedToken(AccessToken token, IdentityHeaders headers) {
        this.token = token;
        this.session = new Resolution.Session(token.session(), token.scopes(), headers, token.expiresAt() * 1000);
    }

    /** Renders the headers of a token that just verified, on a route with no claim headers. */
    static VerifiedToken of(AccessToken token) {
        return of(token, List.of());
    }

    /** Renders the headers of a token that just verified: the contract's, then the route's claim headers. */
    static VerifiedToken of(AccessToken token, List<Header> claimHeaders) {
        return new VerifiedToken(token, IdentityHeaders.validSession(token.session(), claimHeaders));
    }

    public AccessToken token() {
        return token;
    }

    public IdentityHeaders headers() {
        return session.allow().headers();
    }

    public Resolution.Session session() {
        return session;
    }

    @Override
    public String toString() {
        return "VerifiedToken[" + token + "]";
    }
}

package io.authgate.core.resolve;

import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.credentials.BearerToken;
import io.authgate.core.jwt.AccessToken;
import io.authgate.core.jwt.AccessTokenVerifier;
import io.authgate.core.jwt.TokenRejection;
import io.authgate.core.jwt.Verification;

import java.util.concurrent.CompletableFuture;

/**
 * Resolves a request's credentials into a {@link Decision}, as Authgear's resolver would: the
 * {@code Authorization} bearer token first, then the session cookies; the first that resolves wins.
 * One per configuration; thread-safe; never throws for any input.
 */
public final class Resolver {
    private final AuthgateConfig config;
    private final AccessTokenVerifier verifier;

    public Resolver(AuthgateConfig config, AccessTokenVerifier verifier) {
        this.config = config;
        this.verifier = verifier;
    }

    public AuthgateConfig config() {
        return config;
    }

    /** Resolves, blocking at most the JWKS wait timeout when keys must be fetched first. */
    public Decision resolve(GatewayRequest request) {
        String token = BearerToken.from(request.authorization());
        return token == null ? withoutToken(request) : decide(verifier.verify(token), request);
    }

    /** Resolves without ever blocking the caller, for event loops; usually complete on return. */
    public CompletableFuture<Decision> resolveAsync(GatewayRequest request) {
        String token = BearerToken.from(request.authorization());
        if (token == null) {
            return CompletableFuture.completedFuture(withoutToken(request));
        }
        return verifier.verifyAsync(token).thenApply(v -> decide(v, request));
    }

    private Decision decide(Verification verification, GatewayRequest request) {
        if (verification instanceof AccessToken verified) {
            return new Decision.Allow(verified.headers());
        }
        if (verification == TokenRejection.KEYS_UNAVAILABLE) {
            return Denials.KEYS_UNAVAILABLE;
        }
        return withoutToken(request);
    }

    private Decision withoutToken(GatewayRequest request) {
        // Cookies are opaque session tokens that only Authgear can resolve; in-process there is
        // nothing to verify them with, so they yield no session until remote resolution exists.
        return Decision.Allow.NO_SESSION;
    }
}

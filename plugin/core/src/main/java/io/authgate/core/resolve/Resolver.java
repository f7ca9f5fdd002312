package io.authgate.core.resolve;

import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.Mode;
import io.authgate.core.credentials.BearerToken;
import io.authgate.core.jwt.AccessToken;
import io.authgate.core.jwt.AccessTokenVerifier;
import io.authgate.core.jwt.TokenRejection;
import io.authgate.core.jwt.Verification;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves a request's credentials into a {@link Decision}, as Authgear's resolver would: the
 * {@code Authorization} bearer token first, then the session cookies; the first that resolves wins.
 * In resolve mode every request continues (headers only); in enforce mode a request without a
 * valid session, or with one the route's policy refuses, is denied with an RFC 6750 / RFC 9470
 * challenge. One per configuration; thread-safe; never throws for any input.
 */
public final class Resolver {
    private final AuthgateConfig config;
    private final AccessTokenVerifier verifier;
    private final Clock clock;
    private final boolean enforce;
    private final Challenges challenges;
    private final SessionPolicy policy;

    public Resolver(AuthgateConfig config, AccessTokenVerifier verifier, Clock clock) {
        this.config = config;
        this.verifier = verifier;
        this.clock = clock;
        this.enforce = config.mode() == Mode.ENFORCE;
        this.challenges = new Challenges(config.issuer());
        this.policy = new SessionPolicy(config.policy(), challenges);
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
            if (enforce) {
                Decision.Deny refused = policy.check(verified, clock.millis() / 1000);
                if (refused != null) {
                    return refused;
                }
            }
            return new Decision.Allow(verified.headers());
        }
        if (verification == TokenRejection.KEYS_UNAVAILABLE) {
            return Denials.KEYS_UNAVAILABLE;
        }
        // A presented token that does not verify: in enforce mode, say so (error="invalid_token").
        return enforce ? challenges.invalidToken() : withoutToken(request);
    }

    private Decision withoutToken(GatewayRequest request) {
        // Cookies are opaque session tokens that only Authgear can resolve; in-process there is
        // nothing to verify them with, so they yield no session until remote resolution exists.
        return enforce ? challenges.noCredentials() : Decision.Allow.NO_SESSION;
    }
}

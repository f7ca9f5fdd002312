package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.credentials.BearerToken;
import io.authgate.core.headers.ClaimHeaders;
import io.authgate.core.jwks.KeyLookup;
import io.authgate.core.jwks.KeySource;
import io.authgate.core.jwks.VerificationKey;
import io.authgate.core.resolution.Resolution;
import io.authgate.core.resolution.StepAnswer;
import io.authgate.core.revocation.Revocations;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;

/**
 * Verifies an Authgear access token. The order is by cost: a cache hit runs only the rules; a miss
 * parses, runs the rules, finds the key, and only then checks the signature (the one expensive
 * step). Thread-safe; one per configuration, sharing the key source and cache of its issuer.
 */
public final class AccessTokenVerifier {
    private final TokenValidator rules;
    private final KeySource keys;
    private final VerifiedTokenCache cache;
    private final ClaimHeaders claimHeaders;
    private final Revocations revocations;
    private final Clock clock;
    private final AuthgateEvents events;

    public AccessTokenVerifier(TokenValidator rules, KeySource keys, VerifiedTokenCache cache, Clock clock,
                               AuthgateEvents events) {
        this(rules, keys, cache, ClaimHeaders.NONE, Revocations.NONE, clock, events);
    }

    /**
     * @param claimHeaders the configuration's claims to render as headers, with the contract's
     * @param revocations  what Authgear's events revoked, asked of every token that verified (cache hits too)
     */
    public AccessTokenVerifier(TokenValidator rules, KeySource keys, VerifiedTokenCache cache, ClaimHeaders claimHeaders,
                               Revocations revocations, Clock clock, AuthgateEvents events) {
        this.rules = rules;
        this.keys = keys;
        this.cache = cache;
        this.claimHeaders = claimHeaders;
        this.revocations = revocations;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Verifies, blocking at most the JWKS wait timeout when keys must be fetched first. For callers
     * that may block (the APISIX runner's API is synchronous).
     *
     * @return the {@link VerifiedToken} when it verified, otherwise the {@link TokenRejection}
     */
    public Verification verify(String token) {
        return verifyAsync(token).join();
    }

    /** Verifies without ever blocking the caller; usually complete on return. */
    public CompletableFuture<Verification> verifyAsync(String token) {
        VerifiedToken cached = cache.get(BearerToken.ofToken(token), claimHeaders);
        if (cached != null) {
            return CompletableFuture.completedFuture(onHit(cached));
        }
        return verifyCold(BearerToken.ofToken(token));
    }

    /**
     * What a bearer token resolves to, without ever blocking the caller; usually complete on return.
     * A cache hit allocates only its lookup key: the token is read where it is, inside the header,
     * and the answer is the session built when the token entered the cache (or a rejection's, built
     * once for all).
     */
    public StepAnswer resolve(BearerToken token) {
        VerifiedToken cached = cache.get(token, claimHeaders);
        if (cached != null) {
            return resolutionOf(onHit(cached));
        }
        CompletableFuture<Verification> cold = verifyCold(token);
        return cold.isDone() ? resolutionOf(cold.join()) : new StepAnswer.Pending(cold.thenApply(AccessTokenVerifier::resolutionOf));
    }

    private static Resolution resolutionOf(Verification v) {
        if (v instanceof VerifiedToken verified) {
            return verified.session();
        }
        return v == TokenRejection.KEYS_UNAVAILABLE ? Resolution.Unresolved.KEYS_UNAVAILABLE : Resolution.Invalid.rejected((TokenRejection) v);
    }

    private Verification onHit(VerifiedToken cached) {
        events.tokenCacheHit();
        long now = clock.millis();
        keys.prefetch(now);
        return checkRules(cached, now / 1000);
    }

    private Verification checkRules(VerifiedToken verified, long now) {
        Optional<TokenRejection> broken = rules.validate(verified.token(), now);
        if (broken.isPresent()) {
            events.tokenRejected(broken.get());
            return broken.get();
        }
        return unlessRevoked(verified, now);
    }

    /** After verification, on every path: what Authgear's events revoked since the token was issued. */
    private Verification unlessRevoked(VerifiedToken verified, long nowSeconds) {
        AccessToken t = verified.token();
        return revocations.revokes(t.subject(), t.issuedAt(), nowSeconds) ? rejected(TokenRejection.REVOKED) : verified;
    }

    private CompletableFuture<Verification> verifyCold(BearerToken token) {
        String compact = token.value();
        events.tokenCacheMiss();
        AccessTokenParser.Parsed parsed;
        try {
            parsed = AccessTokenParser.parse(compact);
        } catch (RejectedTokenException e) {
            return CompletableFuture.completedFuture(rejected(e.rejection()));
        }
        Optional<TokenRejection> broken = rules.validate(parsed.token(), clock.millis() / 1000);
        if (broken.isPresent()) {
            return CompletableFuture.completedFuture(rejected(broken.get()));
        }
        return keys.findAsync(parsed.token().keyId()).thenApply(lookup -> checkSignature(token, parsed, lookup));
    }

    private Verification checkSignature(BearerToken token, AccessTokenParser.Parsed parsed, KeyLookup lookup) {
        if (lookup == KeyLookup.Miss.UNAVAILABLE) {
            return rejected(TokenRejection.KEYS_UNAVAILABLE);
        }
        if (!(lookup instanceof VerificationKey key)) {
            return rejected(TokenRejection.UNKNOWN_KEY);
        }
        if (!key.canVerify(parsed.token().algorithm())) {
            return rejected(TokenRejection.KEY_MISMATCH);
        }
        if (!key.verify(parsed.header(), parsed.signingInput(), parsed.signature())) {
            return rejected(TokenRejection.BAD_SIGNATURE);
        }
        return unlessRevoked(cache.put(token, parsed.token(), parsed.claims(), claimHeaders), clock.millis() / 1000);
    }

    private TokenRejection rejected(TokenRejection rejection) {
        events.tokenRejected(rejection);
        return rejection;
    }
}

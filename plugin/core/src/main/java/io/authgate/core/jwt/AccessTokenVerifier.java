package io.authgate.core.jwt;

import io.authgate.core.AuthgateEvents;
import io.authgate.core.jwks.KeyLookup;
import io.authgate.core.jwks.KeySource;
import io.authgate.core.jwks.VerificationKey;

import java.time.Clock;
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
    private final Clock clock;
    private final AuthgateEvents events;

    public AccessTokenVerifier(TokenValidator rules, KeySource keys, VerifiedTokenCache cache, Clock clock,
                               AuthgateEvents events) {
        this.rules = rules;
        this.keys = keys;
        this.cache = cache;
        this.clock = clock;
        this.events = events;
    }

    /** @return the {@link AccessToken} when it verified, otherwise the {@link TokenRejection} */
    public Verification verify(String token) {
        long now = clock.millis() / 1000;
        AccessToken cached = cache.get(token);
        if (cached != null) {
            events.tokenCacheHit();
            keys.prefetch();
            return checkRules(cached, now);
        }
        events.tokenCacheMiss();
        Verification result;
        try {
            result = verifyCold(token, now);
        } catch (RejectedTokenException e) {
            result = e.rejection();
        }
        if (result instanceof TokenRejection rejection) {
            events.tokenRejected(rejection);
        }
        return result;
    }

    private Verification checkRules(AccessToken token, long now) {
        Optional<TokenRejection> broken = rules.validate(token, now);
        if (broken.isPresent()) {
            events.tokenRejected(broken.get());
            return broken.get();
        }
        return token;
    }

    private Verification verifyCold(String compact, long now) {
        AccessTokenParser.Parsed parsed = AccessTokenParser.parse(compact);
        Optional<TokenRejection> broken = rules.validate(parsed.token(), now);
        if (broken.isPresent()) {
            return broken.get();
        }
        KeyLookup lookup = keys.find(parsed.token().keyId());
        if (lookup == KeyLookup.Miss.UNAVAILABLE) {
            return TokenRejection.KEYS_UNAVAILABLE;
        }
        if (!(lookup instanceof VerificationKey key)) {
            return TokenRejection.UNKNOWN_KEY;
        }
        if (!key.canVerify(parsed.token().algorithm())) {
            return TokenRejection.KEY_MISMATCH;
        }
        if (!key.verify(parsed.jws())) {
            return TokenRejection.BAD_SIGNATURE;
        }
        cache.put(compact, parsed.token());
        return parsed.token();
    }
}

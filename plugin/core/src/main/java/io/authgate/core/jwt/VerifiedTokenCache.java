package io.authgate.core.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.authgate.core.TokenCacheGauges;
import io.authgate.core.credentials.BearerToken;
import io.authgate.core.memory.SharedValues;

import io.authgate.core.headers.ClaimHeaders;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tokens whose signature verified, by their exact string. Bounded by weight: the bytes each entry
 * takes on the heap ({@link CachedTokens#weigh}), not by count, so tokens with large claims cannot
 * fill the heap. An entry holds what a hit needs (the token to compare with, the claims the rules and
 * policies read, the pre-encoded answer), with the values many tokens share held once. An entry never
 * outlives the token's {@code exp} (Caffeine evicts it then, and the time rules are checked on every
 * hit anyway). Emptied when the JWKS loses a key, so a removed key stops verifying at once.
 *
 * <p>The key is the whole token, not a digest of it: a digest strong enough to stand for the token
 * (SHA-256) costs ~0.8 µs for a 1.2 KiB token on the development machine, more than twice a whole cache
 * hit, and a key that compares less than the whole token (its signature alone, say) would answer a
 * token whose payload was altered with the original's session.
 */
public final class VerifiedTokenCache implements TokenCacheGauges {
    private final Cache<TokenKey, VerifiedToken> cache;
    private final Clock clock;
    private final long maxBytes;
    private final CachedTokens entries = new CachedTokens(new SharedValues());

    /** @param maxBytes the heap the entries may take; 0 turns the cache off */
    public VerifiedTokenCache(long maxBytes, Clock clock) {
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.cache = Caffeine.newBuilder()
                // Maintenance (eviction, expiry) on the calling thread: handing it to the common pool
                // wakes a thread per write, which costs more than the work itself (measured: ~8 µs a
                // cold verification on 2 cores), and an event loop should not depend on that pool.
                .executor(Runnable::run)
                .maximumWeight(maxBytes)
                .weigher((TokenKey key, VerifiedToken token) -> entries.weigh(key.token(), token))
                .expireAfter(new Expiry<TokenKey, VerifiedToken>() {
                    @Override
                    public long expireAfterCreate(TokenKey key, VerifiedToken token, long currentTime) {
                        long millisLeft = token.token().expiresAt() * 1000 - clock.millis();
                        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, millisLeft));
                    }

                    @Override
                    public long expireAfterUpdate(TokenKey key, VerifiedToken token, long currentTime, long currentDuration) {
                        return currentDuration;
                    }

                    @Override
                    public long expireAfterRead(TokenKey key, VerifiedToken token, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /** @return the verified token, or {@code null} when it is not cached (Caffeine's own "absent", kept inside this package) */
    VerifiedToken get(BearerToken token) {
        return get(token, ClaimHeaders.NONE);
    }

    /** As {@link #get(BearerToken)}, for a configuration that renders these claim headers. */
    VerifiedToken get(BearerToken token, ClaimHeaders claimHeaders) {
        return cache.getIfPresent(new TokenKey(token, claimHeaders));
    }

    /**
     * A token whose signature just verified: its headers are rendered here, once, and the result is
     * kept (when the budget allows and it has not expired) and returned.
     */
    VerifiedToken put(String token, AccessToken verified) {
        return put(BearerToken.ofToken(token), verified, Map.of(), ClaimHeaders.NONE);
    }

    /** As {@link #put(String, AccessToken)}, with the token's claims as read and the claim headers to render. */
    VerifiedToken put(String token, AccessToken verified, Map<String, Object> claims, ClaimHeaders claimHeaders) {
        return put(BearerToken.ofToken(token), verified, claims, claimHeaders);
    }

    /**
     * As {@link #put(String, AccessToken)}, found by the {@code Authorization} value it came in and the
     * configuration's claim headers: routes mapping other claims keep entries of their own, within the
     * one budget. The claim headers are rendered here, so the entry's weight counts them and a hit
     * renders nothing.
     */
    VerifiedToken put(BearerToken token, AccessToken verified, Map<String, Object> claims, ClaimHeaders claimHeaders) {
        VerifiedToken entry = VerifiedToken.of(entries.compact(verified), claimHeaders.render(claims));
        if (maxBytes > 0 && verified.expiresAt() * 1000 > clock.millis()) {
            cache.put(new TokenKey(token, claimHeaders), entry);
        }
        return entry;
    }

    public void invalidateAll() {
        cache.invalidateAll();
    }

    @Override
    public long size() {
        return cache.estimatedSize();
    }

    @Override
    public long weightedBytes() {
        return cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    @Override
    public long maxBytes() {
        return maxBytes;
    }
}

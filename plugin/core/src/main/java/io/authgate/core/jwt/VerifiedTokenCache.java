package io.authgate.core.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Tokens whose signature verified, by their exact string. Bounded in size; an entry never outlives
 * the token's {@code exp} (Caffeine evicts it then, and the time rules are checked on every hit
 * anyway). Emptied when the JWKS loses a key, so a removed key stops verifying at once.
 */
public final class VerifiedTokenCache {
    private final Cache<TokenKey, AccessToken> cache;
    private final Clock clock;

    public VerifiedTokenCache(int maxEntries, Clock clock) {
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                // Maintenance (eviction, expiry) on the calling thread: handing it to the common pool
                // wakes a thread per write, which costs more than the work itself (measured: ~8 µs a
                // cold verification on 2 cores), and an event loop should not depend on that pool.
                .executor(Runnable::run)
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<TokenKey, AccessToken>() {
                    @Override
                    public long expireAfterCreate(TokenKey key, AccessToken token, long currentTime) {
                        long millisLeft = token.expiresAt() * 1000 - clock.millis();
                        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, millisLeft));
                    }

                    @Override
                    public long expireAfterUpdate(TokenKey key, AccessToken token, long currentTime, long currentDuration) {
                        return currentDuration;
                    }

                    @Override
                    public long expireAfterRead(TokenKey key, AccessToken token, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    AccessToken get(String token) {
        return cache.getIfPresent(new TokenKey(token));
    }

    void put(String token, AccessToken verified) {
        if (verified.expiresAt() * 1000 > clock.millis()) {
            cache.put(new TokenKey(token), verified);
        }
    }

    public void invalidateAll() {
        cache.invalidateAll();
    }

    public long size() {
        return cache.estimatedSize();
    }
}

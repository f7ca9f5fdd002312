package io.authgate.core.remote;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.config.ResolverSettings;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Authgear's resolver behind a cache, so that Authgear is asked once per credential per TTL rather
 * than once per request. Keyed by the credential's SHA-256 (with the Authgear host): never in clear.
 * Concurrent misses for one key share one call. A valid session is kept {@code cache_ttl_seconds},
 * "no session" and {@code Session-Valid: false} {@code negative_cache_ttl_seconds}; failures are not
 * kept, so Authgear's recovery is seen by the next request. Thread-safe; shared by every route with
 * the same resolver settings.
 */
public final class RemoteSessions {
    private final ResolverClient client;
    private final ResolverSettings settings;
    private final AuthgateEvents events;
    private final AsyncCache<CredentialDigest, RemoteSession> cache;

    public RemoteSessions(ResolverClient client, ResolverSettings settings, Clock clock, AuthgateEvents events) {
        this.client = client;
        this.settings = settings;
        this.events = events;
        long positiveNanos = settings.cacheTtl().toNanos();
        long negativeNanos = settings.negativeCacheTtl().toNanos();
        this.cache = Caffeine.newBuilder()
                .executor(Runnable::run) // as in VerifiedTokenCache: no pool handoff per write
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .maximumSize(settings.maxEntries())
                .expireAfter(new Expiry<CredentialDigest, RemoteSession>() {
                    @Override
                    public long expireAfterCreate(CredentialDigest key, RemoteSession answer, long now) {
                        return answer.kind() == RemoteSession.Kind.VALID ? positiveNanos : negativeNanos;
                    }

                    @Override
                    public long expireAfterUpdate(CredentialDigest key, RemoteSession answer, long now, long current) {
                        return expireAfterCreate(key, answer, now);
                    }

                    @Override
                    public long expireAfterRead(CredentialDigest key, RemoteSession answer, long now, long current) {
                        return current;
                    }
                })
                .buildAsync();
    }

    /**
     * What Authgear says of this credential: from the cache, from a call already under way for it, or
     * from a new call. Fails with {@link ResolverUnavailableException} only.
     */
    public CompletableFuture<RemoteSession> resolve(RemoteCredential credential) {
        CredentialDigest key = credential.digest(settings.authgearHost());
        boolean[] called = new boolean[1];
        CompletableFuture<RemoteSession> answer = cache.get(key, (k, executor) -> {
            called[0] = true;
            return call(credential);
        });
        if (!called[0]) {
            if (answer.isDone()) {
                events.resolverCacheHit();
            } else {
                events.resolverCoalesced();
            }
        }
        return answer;
    }

    private CompletableFuture<RemoteSession> call(RemoteCredential credential) {
        long started = System.nanoTime();
        return client.call(credential).whenComplete((session, error) -> {
            long nanos = System.nanoTime() - started;
            if (error == null) {
                events.resolverCalled(nanos, session.kind());
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                ResolverUnavailableException failure = cause instanceof ResolverUnavailableException e ? e
                        : new ResolverUnavailableException(ResolverUnavailableException.Cause.CONNECTION, cause.getClass().getSimpleName());
                events.resolverFailed(nanos, failure.reason(), failure.getMessage());
            }
        });
    }

    public ResolverSettings settings() {
        return settings;
    }

    public long size() {
        return cache.synchronous().estimatedSize();
    }
}

package io.authgate.core.remote;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.config.ResolverSettings;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Authgear's resolver behind a cache, so that Authgear is asked once per credential per TTL rather
 * than once per request. Keyed by the credential's SHA-256 (with the Authgear host): never in clear.
 * Concurrent misses for one key share one call. A valid session is kept {@code cache_ttl_seconds},
 * "no session" and {@code Session-Valid: false} {@code negative_cache_ttl_seconds}; failures are not
 * kept, so Authgear's recovery is seen by the next request. Thread-safe; shared by every route with
 * the same resolver settings.
 *
 * <p>Answers and calls in flight are kept apart (a Caffeine cache of answers, a map of calls) rather
 * than in one asynchronous cache: Caffeine logs every failed asynchronous load with its stack trace,
 * and a failed call here is an expected event, counted and answered, not a fault.
 */
public final class RemoteSessions {
    private final ResolverClient client;
    private final ResolverSettings settings;
    private final AuthgateEvents events;
    private final Cache<CredentialDigest, RemoteSession> answers;
    private final ConcurrentHashMap<CredentialDigest, CompletableFuture<RemoteSession>> calls = new ConcurrentHashMap<>();
    private final Semaphore callSlots;

    public RemoteSessions(ResolverClient client, ResolverSettings settings, Clock clock, AuthgateEvents events) {
        this.client = client;
        this.settings = settings;
        this.events = events;
        this.callSlots = new Semaphore(settings.maxConcurrentCalls());
        long positiveNanos = settings.cacheTtl().toNanos();
        long negativeNanos = settings.negativeCacheTtl().toNanos();
        this.answers = Caffeine.newBuilder()
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
                .build();
    }

    /**
     * What Authgear says of this credential: from the cache, from a call already under way for it, or
     * from a new call. Fails with {@link ResolverUnavailableException} only.
     */
    public CompletableFuture<RemoteSession> resolve(RemoteCredential credential) {
        CredentialDigest key = credential.digest(settings.authgearHost());
        RemoteSession cached = answers.getIfPresent(key);
        if (cached != null) {
            events.resolverCacheHit();
            return CompletableFuture.completedFuture(cached);
        }
        CompletableFuture<RemoteSession> mine = new CompletableFuture<>();
        CompletableFuture<RemoteSession> underWay = calls.putIfAbsent(key, mine);
        if (underWay != null) {
            events.resolverCoalesced();
            return underWay;
        }
        // A call that ended between the lookup above and now has left its answer in the cache.
        cached = answers.getIfPresent(key);
        if (cached != null) {
            calls.remove(key, mine);
            mine.complete(cached);
            events.resolverCacheHit();
            return mine;
        }
        if (!callSlots.tryAcquire()) {
            calls.remove(key, mine);
            ResolverUnavailableException overloaded = new ResolverUnavailableException(ResolverUnavailableException.Cause.OVERLOADED,
                    "Authgear's resolver not asked: " + settings.maxConcurrentCalls() + " calls already in flight");
            events.resolverFailed(0, overloaded.reason(), overloaded.getMessage());
            mine.completeExceptionally(overloaded);
            return mine;
        }
        call(credential).whenComplete((answer, error) -> {
            try {
                // The answer is cached before the call is forgotten, so a request arriving in between
                // finds one or the other.
                if (answer != null) {
                    answers.put(key, answer);
                }
            } finally {
                callSlots.release();
                calls.remove(key, mine);
                if (answer != null) {
                    mine.complete(answer);
                } else {
                    mine.completeExceptionally(ResolverUnavailableException.of(error));
                }
            }
        });
        return mine;
    }

    private CompletableFuture<RemoteSession> call(RemoteCredential credential) {
        long started = System.nanoTime();
        CompletableFuture<RemoteSession> call;
        try {
            call = client.call(credential);
        } catch (Throwable e) {
            // Whatever happens, the call ends: waiters must never be left hanging.
            call = CompletableFuture.failedFuture(e);
        }
        return call.whenComplete((session, error) -> {
            long nanos = System.nanoTime() - started;
            if (error == null) {
                events.resolverCalled(nanos, session.kind());
            } else {
                ResolverUnavailableException failure = ResolverUnavailableException.of(error);
                events.resolverFailed(nanos, failure.reason(), failure.getMessage());
            }
        });
    }

    public ResolverSettings settings() {
        return settings;
    }

    public long size() {
        return answers.estimatedSize();
    }
}

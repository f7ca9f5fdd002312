package io.authgate.core.remote;

import io.authgate.core.ResolverFailure;
import io.authgate.core.RemoteSessionKind;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.ResolverCacheGauges;
import io.authgate.core.concurrent.SingleFlight;
import io.authgate.core.config.ResolverSettings;
import io.authgate.core.jwt.AccessTokenParser;
import io.authgate.core.memory.SharedValues;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Authgear's resolver behind a cache, so that Authgear is asked once per credential per TTL rather
 * than once per request. Keyed by the credential's SHA-256 (with the Authgear host): never in clear.
 * Concurrent misses for one key share one call. A valid session is kept {@code cache_ttl_seconds},
 * "no session" and {@code Session-Valid: false} {@code negative_cache_ttl_seconds}; failures are not
 * kept, so Authgear's recovery is seen by the next request. Thread-safe; shared by every route with
 * the same resolver settings.
 *
 * <p>Bounded: the answers by the heap they take ({@code cache_max_bytes}); the calls by
 * {@code max_concurrent_calls} in flight and {@code max_queued_calls} waiting for one of those slots.
 * A credential waits for a slot within its {@code timeout_ms}, which covers the wait and the call
 * together, so the burst after a restart (every session new at once) is served as fast as Authgear
 * answers, and only what cannot be served in time gets {@code on_error}.
 *
 * <p>Answers and calls in flight are kept apart (a Caffeine cache of answers, a map of calls) rather
 * than in one asynchronous cache: Caffeine logs every failed asynchronous load with its stack trace,
 * and a failed call here is an expected event, counted and answered, not a fault.
 */
public final class RemoteSessions implements ResolverCacheGauges {
    /**
     * No credential Authgear issues is longer (its JWTs are capped there too): a longer one resolves
     * to nothing without being sent, so that what waits for a call slot stays small.
     */
    public static final int MAX_CREDENTIAL_CHARS = AccessTokenParser.MAX_TOKEN_LENGTH;

    private final ResolverClient client;
    private final ResolverSettings settings;
    private final AuthgateEvents events;
    private final CachedAnswers entries = new CachedAnswers(new SharedValues());
    private final Cache<CredentialDigest, RemoteSession> answers;
    /** Calls in flight or waiting for a slot: at most max_concurrent_calls + max_queued_calls. */
    private final SingleFlight<CredentialDigest, RemoteSession> calls = new SingleFlight<>();
    private final CallSlots slots;

    public RemoteSessions(ResolverClient client, ResolverSettings settings, Clock clock, AuthgateEvents events) {
        this.client = client;
        this.settings = settings;
        this.events = events;
        this.slots = new CallSlots(settings.maxConcurrentCalls(), settings.maxQueuedCalls());
        long positiveNanos = settings.cacheTtl().toNanos();
        long negativeNanos = settings.negativeCacheTtl().toNanos();
        this.answers = Caffeine.newBuilder()
                .executor(Runnable::run) // as in VerifiedTokenCache: no pool handoff per write
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .maximumWeight(settings.cacheMaxBytes())
                .weigher(entries::weigh)
                .expireAfter(new Expiry<CredentialDigest, RemoteSession>() {
                    @Override
                    public long expireAfterCreate(CredentialDigest key, RemoteSession answer, long now) {
                        return answer.kind() == RemoteSessionKind.VALID ? positiveNanos : negativeNanos;
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
     * from a new call, within {@code timeout_ms}. Fails with {@link ResolverUnavailableException} only.
     */
    public CompletableFuture<RemoteSession> resolve(RemoteCredential credential) {
        if (credential.headerValue().length() > MAX_CREDENTIAL_CHARS) {
            return CompletableFuture.completedFuture(RemoteSession.NONE);
        }
        CredentialDigest key = credential.digest(settings.authgearHost());
        RemoteSession cached = answers.getIfPresent(key);
        if (cached != null) {
            events.resolverCacheHit();
            return CompletableFuture.completedFuture(cached);
        }
        SingleFlight<CredentialDigest, RemoteSession>.Seat mine = calls.board(key);
        if (!mine.leads()) {
            events.resolverCoalesced();
            return mine.future();
        }
        // A call that ended between the lookup above and now has left its answer in the cache.
        cached = answers.getIfPresent(key);
        if (cached != null) {
            mine.land(cached);
            events.resolverCacheHit();
            return mine.future();
        }
        long arrived = System.nanoTime();
        CallSlots.Turn turn = new CallSlots.Turn(arrived + settings.timeout().toNanos()) {
            @Override
            void run() {
                call(key, credential, mine, deadlineNanos());
            }

            @Override
            void expired() {
                fail(mine, System.nanoTime() - arrived, new ResolverUnavailableException(ResolverFailure.TIMEOUT,
                        "Authgear's resolver not asked: no call slot came free within timeout_ms ("
                                + settings.maxConcurrentCalls() + " calls in flight)"));
            }
        };
        switch (slots.submit(turn)) {
            case QUEUED -> events.resolverQueued();
            case REFUSED -> fail(mine, 0, new ResolverUnavailableException(ResolverFailure.OVERLOADED,
                    "Authgear's resolver not asked: " + settings.maxConcurrentCalls() + " calls in flight and "
                            + settings.maxQueuedCalls() + " waiting"));
            default -> {
            }
        }
        return mine.future();
    }

    /** With a slot held: asks Authgear in what is left of the credential's timeout, then frees the slot. */
    private void call(CredentialDigest key, RemoteCredential credential, SingleFlight<CredentialDigest, RemoteSession>.Seat mine,
                      long deadlineNanos) {
        long started = System.nanoTime();
        long left = deadlineNanos - started;
        CompletableFuture<RemoteSession> call;
        try {
            call = left < TimeUnit.MILLISECONDS.toNanos(1)
                    ? CompletableFuture.failedFuture(new ResolverUnavailableException(ResolverFailure.TIMEOUT,
                            "Authgear's resolver not asked: timeout_ms had passed when a call slot came free"))
                    : client.call(credential, Duration.ofNanos(left));
        } catch (Throwable e) {
            // Whatever happens, the call ends: waiters must never be left hanging.
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((answer, error) -> {
            long nanos = System.nanoTime() - started;
            try {
                if (error == null) {
                    events.resolverCalled(nanos, answer.kind());
                    // The answer is cached before the call is forgotten, so a request arriving in
                    // between finds one or the other.
                    answers.put(key, entries.compact(answer));
                }
            } finally {
                slots.release();
                if (error == null) {
                    mine.land(answer);
                } else {
                    fail(mine, nanos, ResolverUnavailableException.of(error));
                }
            }
        });
    }

    private void fail(SingleFlight<CredentialDigest, RemoteSession>.Seat mine, long nanos, ResolverUnavailableException failure) {
        events.resolverFailed(nanos, failure.reason(), failure.getMessage());
        mine.fail(failure);
    }

    /**
     * Forgets every cached answer that names this user (an Authgear event revoked their sessions),
     * so the next request asks Authgear. A scan: events are rare, requests are not.
     */
    public void dropUser(String userId) {
        answers.asMap().values().removeIf(a -> a.claims() != null && userId.equals(a.claims().userId()));
    }

    public ResolverSettings settings() {
        return settings;
    }

    @Override
    public long size() {
        return answers.estimatedSize();
    }

    @Override
    public long weightedBytes() {
        return answers.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    @Override
    public long maxBytes() {
        return settings.cacheMaxBytes();
    }

    @Override
    public int callsInFlight() {
        return slots.inFlight();
    }

    @Override
    public int callsQueued() {
        return slots.queued();
    }
}

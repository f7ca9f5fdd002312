package io.authgate.core.jwks;

import io.authgate.core.AuthgateEvents;
import io.authgate.core.concurrent.SingleFlight;
import io.authgate.core.config.JwksSettings;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A JWKS kept fresh in memory.
 *
 * <ul>
 *   <li>Lifetime from {@code Cache-Control: max-age} within [min, max] bounds, else the default.</li>
 *   <li>Refreshed in the background once 80% of the lifetime has passed, so requests never wait
 *       for a routine refresh.</li>
 *   <li>Past its lifetime the key set still serves the kids it holds, at once, while a refresh
 *       runs in the background, until the stale-if-error bound; only a request that needs what the
 *       cached keys cannot give (no keys yet, a kid they lack) waits (bounded) for the refresh.</li>
 *   <li>An unknown {@code kid} refreshes at most once per interval (key rotation is rare; a storm
 *       of forged {@code kid}s must not become a storm of fetches).</li>
 *   <li>Concurrent refreshes coalesce into one fetch; after a failed fetch no new fetch starts for
 *       {@link #RETRY_BACKOFF}, so an outage is answered at once rather than waited on.</li>
 * </ul>
 */
public final class CachedJwks implements KeySource {
    static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final JwksFetcher fetcher;
    private final JwksSettings settings;
    private final Clock clock;
    private final AuthgateEvents events;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(Snapshot.NONE);
    /** The one fetch of this key set under way, shared by every request that needs it. */
    private final SingleFlight<Fetch, Snapshot> inflight = new SingleFlight<>();
    private final AtomicLong lastUnknownKidRefresh = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicLong noFetchBefore = new AtomicLong(Long.MIN_VALUE / 2);
    private final List<Runnable> removalCallbacks = new CopyOnWriteArrayList<>();

    /** One fetched key set and the instants (epoch millis) that govern it. */
    private record Snapshot(KeySet keys, long refreshAt, long expiresAt, long staleUntil) {
        /** No keys: never fetched, or a fetch that brought none (failed, or too slow for a request). */
        static final Snapshot NONE = new Snapshot(KeySet.EMPTY, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE);
    }

    /** The single-flight key: a key set has one fetch at a time. */
    private enum Fetch { JWKS }

    /** What {@link #refresh} answers when a failure is too recent to fetch again. */
    private static final CompletableFuture<Snapshot> NOT_FETCHING = CompletableFuture.completedFuture(Snapshot.NONE);

    public CachedJwks(JwksFetcher fetcher, JwksSettings settings, Clock clock, AuthgateEvents events) {
        this.fetcher = fetcher;
        this.settings = settings;
        this.clock = clock;
        this.events = events;
    }

    @Override
    public void onKeysRemoved(Runnable callback) {
        removalCallbacks.add(callback);
    }

    @Override
    public CompletableFuture<KeyLookup> findAsync(String kid) {
        long now = clock.millis();
        Snapshot current = snapshot.get();
        if (now < current.expiresAt()) {
            if (now >= current.refreshAt()) {
                refresh(now);
            }
            VerificationKey key = current.keys().get(kid);
            return key != null ? CompletableFuture.completedFuture(key) : findUnknownKid(kid, now);
        }
        CompletableFuture<Snapshot> refresh = refresh(now);
        if (now < current.staleUntil() && !refresh.isDone()) {
            VerificationKey stale = current.keys().get(kid);
            if (stale != null) {
                // Past their lifetime, keys that hold the kid still serve while the refresh runs in
                // the background: waiting for it would only delay the request (a JWKS endpoint that
                // hangs would hold every new token for the wait timeout), and a key it removes stops
                // verifying the moment it lands. (A refresh that is already done is used below.)
                return CompletableFuture.completedFuture(stale);
            }
        }
        // Never loaded, or the kid is not in the stale keys: wait (bounded) for fresh keys.
        return bounded(refresh).thenApply(fresh -> {
            if (fresh != Snapshot.NONE) {
                return lookup(fresh, kid);
            }
            if (now < current.staleUntil()) {
                return lookup(current, kid);
            }
            return KeyLookup.Miss.UNAVAILABLE;
        });
    }

    /** Starts a fetch in the background unless keys are fresh or one is running; never waits. */
    @Override
    public void prefetch() {
        prefetch(clock.millis());
    }

    @Override
    public void prefetch(long now) {
        Snapshot current = snapshot.get();
        if (now >= current.refreshAt()) {
            refresh(now);
        }
    }

    /** Fetches now, for start-up and readiness: true when keys are loaded. */
    public boolean preload() {
        return bounded(refresh(clock.millis())).join() != Snapshot.NONE || snapshot.get() != Snapshot.NONE;
    }

    /** True when keys are cached and within their stale-if-error bound. */
    public boolean hasKeys() {
        return clock.millis() < snapshot.get().staleUntil();
    }

    private CompletableFuture<KeyLookup> findUnknownKid(String kid, long now) {
        Optional<CompletableFuture<Snapshot>> running = inflight.underWay(Fetch.JWKS);
        if (running.isPresent()) {
            return bounded(running.get()).thenApply(fresh -> lookup(fresh, kid));
        }
        long last = lastUnknownKidRefresh.get();
        if (now < noFetchBefore.get() // backing off after a failure: keep the slot for a real fetch
                || now - last < settings.unknownKidMinInterval().toMillis()
                || !lastUnknownKidRefresh.compareAndSet(last, now)) {
            return CompletableFuture.completedFuture(KeyLookup.Miss.UNKNOWN_KID);
        }
        return bounded(refresh(now, true)).thenApply(fresh -> lookup(fresh, kid));
    }

    private static KeyLookup lookup(Snapshot s, String kid) {
        VerificationKey key = s.keys().get(kid);
        return key != null ? key : KeyLookup.Miss.UNKNOWN_KID;
    }

    private CompletableFuture<Snapshot> refresh(long now) {
        return refresh(now, false);
    }

    /**
     * Starts a fetch unless one is running or a failure is too recent; returns the running one, or
     * {@link #NOT_FETCHING}. Without {@code force}, keys that another fetch made fresh in the
     * meantime are answered as they are, so threads that all saw "no keys" at once cause one fetch,
     * not one each.
     */
    private CompletableFuture<Snapshot> refresh(long now, boolean force) {
        Optional<CompletableFuture<Snapshot>> running = inflight.underWay(Fetch.JWKS);
        if (running.isPresent()) {
            return running.get();
        }
        if (now < noFetchBefore.get()) {
            return NOT_FETCHING;
        }
        SingleFlight<Fetch, Snapshot>.Seat mine = inflight.board(Fetch.JWKS);
        if (!mine.leads()) {
            return mine.future();
        }
        Snapshot current = snapshot.get();
        if (!force && now < current.refreshAt()) {
            mine.land(current);
            return mine.future();
        }
        CompletableFuture<FetchedKeys> fetch;
        try {
            fetch = fetcher.fetch();
        } catch (RuntimeException e) {
            fetch = CompletableFuture.failedFuture(e);
        }
        fetch.whenComplete((fetched, error) -> {
            long done = clock.millis();
            Snapshot next = Snapshot.NONE;
            try {
                if (error == null) {
                    next = snapshotOf(fetched, done);
                    install(next, fetched);
                } else {
                    noFetchBefore.set(done + RETRY_BACKOFF.toMillis());
                    events.jwksFetchFailed(fetcher.source(), HttpJwksFetcher.failureOf(error), HttpJwksFetcher.describe(error));
                }
            } finally {
                // Whatever a listener or callback throws, the fetch is over: never leave it in flight.
                mine.land(next);
            }
        });
        return mine.future();
    }

    private Snapshot snapshotOf(FetchedKeys fetched, long now) {
        long ttlMillis = ttlOf(fetched).toMillis();
        long expiresAt = now + ttlMillis;
        return new Snapshot(fetched.keys(), now + ttlMillis * 8 / 10, expiresAt,
                expiresAt + settings.staleIfError().toMillis());
    }

    private Duration ttlOf(FetchedKeys fetched) {
        Duration ttl = fetched.maxAge() == null ? settings.defaultTtl() : fetched.maxAge();
        return clamp(ttl, settings.minTtl(), settings.maxTtl());
    }

    private void install(Snapshot next, FetchedKeys fetched) {
        Snapshot previous = snapshot.getAndSet(next);
        try {
            // Removal first: dropping tokens verified with a removed key must not depend on a listener.
            if (!fetched.keys().keyIds().containsAll(previous.keys().keyIds())) {
                for (Runnable callback : removalCallbacks) {
                    try {
                        callback.run();
                    } catch (RuntimeException e) {
                        // One failing callback must not keep the others (token caches) from emptying.
                    }
                }
            }
        } finally {
            events.jwksFetched(fetcher.source(), fetched.keys().size(), fetched.keys().skipped(), ttlOf(fetched));
            Set<String> before = previous == null ? Set.of() : previous.keys().keyIds();
            if (previous == null || !before.equals(fetched.keys().keyIds())) {
                events.jwksKeysChanged(fetcher.source(), Set.copyOf(before), Set.copyOf(fetched.keys().keyIds()), fetched.keys().skipped());
            }
        }
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }

    /**
     * A refresh as seen by one request: done within the wait timeout, or {@link Snapshot#NONE} (none
     * running, failed, or too slow). Never fails; a copy, so one request's timeout does not end the fetch.
     */
    private CompletableFuture<Snapshot> bounded(CompletableFuture<Snapshot> refresh) {
        if (refresh.isDone()) {
            return refresh.exceptionally(e -> Snapshot.NONE);
        }
        return refresh.copy()
                .completeOnTimeout(Snapshot.NONE, settings.waitTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> Snapshot.NONE);
    }
}

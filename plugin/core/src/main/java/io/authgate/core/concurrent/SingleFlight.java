package io.authgate.core.concurrent;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Concurrent requests for one key share one piece of work (a JWKS fetch, a call to Authgear's
 * resolver): the first to {@link #board} a key leads the flight and must end it; the others get its
 * future. A flight is forgotten before its waiters hear the outcome, so a request arriving after that
 * finds whatever the leader stored (a cache) rather than a finished flight. Thread-safe.
 */
public final class SingleFlight<K, V> {
    private final ConcurrentHashMap<K, CompletableFuture<V>> flights = new ConcurrentHashMap<>();

    /** One caller's place: leading a new flight, or waiting for the one under way. */
    public final class Seat {
        private final K key;
        private final CompletableFuture<V> future;
        private final boolean leads;

        private Seat(K key, CompletableFuture<V> future, boolean leads) {
            this.key = key;
            this.future = future;
            this.leads = leads;
        }

        /** True for the caller that started the flight: it must {@link #land} or {@link #fail} it. */
        public boolean leads() {
            return leads;
        }

        /** The flight's outcome, for leader and waiters alike. */
        public CompletableFuture<V> future() {
            return future;
        }

        /** Leader only: the flight is over with this value. */
        public void land(V value) {
            flights.remove(key, future);
            future.complete(value);
        }

        /** Leader only: the flight is over and failed. */
        public void fail(Throwable error) {
            flights.remove(key, future);
            future.completeExceptionally(error);
        }
    }

    /** A seat on the flight for {@code key}: the one under way, or a new one this caller leads. */
    public Seat board(K key) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> underWay = flights.putIfAbsent(key, mine);
        return underWay == null ? new Seat(key, mine, true) : new Seat(key, underWay, false);
    }

    /** The flight under way for {@code key}, without boarding it. */
    public Optional<CompletableFuture<V>> underWay(K key) {
        return Optional.ofNullable(flights.get(key));
    }
}

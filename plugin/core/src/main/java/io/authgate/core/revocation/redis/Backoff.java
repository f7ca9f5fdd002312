package io.authgate.core.revocation.redis;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between reconnection attempts: 100 ms, doubling up to a cap, each with up to a fifth taken
 * off at random so that the nodes of a cluster do not all reconnect in the same millisecond when Redis
 * comes back. Used by one thread.
 */
final class Backoff {
    static final long FIRST_MILLIS = 100;

    private final long capMillis;
    private long nextMillis = FIRST_MILLIS;

    Backoff(Duration cap) {
        this.capMillis = Math.max(1, cap.toMillis());
    }

    /** The wait before the next attempt. */
    long nextMillis() {
        long base = Math.min(nextMillis, capMillis);
        nextMillis = Math.min(capMillis, nextMillis * 2);
        return base - ThreadLocalRandom.current().nextLong(base / 5 + 1);
    }

    void reset() {
        nextMillis = FIRST_MILLIS;
    }
}

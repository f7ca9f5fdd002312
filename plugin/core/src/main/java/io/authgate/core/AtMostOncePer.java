package io.authgate.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Says whether a line may be written now: at most once per period, whichever thread asks (for lines a
 * flood would otherwise repeat, such as accept(2) failing or an oversized route value on every
 * request). The first ask is always yes.
 */
public final class AtMostOncePer {
    private final long periodNanos;
    private final AtomicLong lastNanos;

    public AtMostOncePer(Duration period) {
        this.periodNanos = period.toNanos();
        this.lastNanos = new AtomicLong(System.nanoTime() - periodNanos);
    }

    /** True for one caller per period. */
    public boolean now() {
        long now = System.nanoTime();
        long last = lastNanos.get();
        return now - last >= periodNanos && lastNanos.compareAndSet(last, now);
    }
}

package io.authgate.forwardauth;

/**
 * The routing requests are decided with now: one reference, replaced whole by a reload. Each
 * request reads it once (one volatile read), so it is decided entirely under one configuration,
 * and requests already deciding finish under the one they started with.
 */
final class LiveRouting {
    private volatile Routing current;

    LiveRouting(Routing initial) {
        this.current = initial;
    }

    Routing current() {
        return current;
    }

    void replace(Routing next) {
        current = next;
    }
}

package io.authgate.core;

import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.RevocationSettings;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How long a project's watermarks are kept and how many are held, from every configuration of the
 * project seen so far (in APISIX each route is one, and a resolver route without a {@code revocation}
 * section may come before the webhook route that states the lifetime).
 *
 * <p>Where configurations state different values the longer lifetime and the larger cap hold:
 * refusing the second (as {@code redis} does) would make the routes' order decide which one starts,
 * and a shorter keep would let revoked tokens back in. An unstated value decides only when none is
 * stated. The keep covers what {@code TimeWindow} accepts: a token issued before a mark lives at most
 * the lifetime, and is accepted until {@code exp + clock_skew_seconds} (the largest skew of any
 * configuration using the marks), plus a second for the marks' whole-second times.
 */
record WatermarkBounds(Optional<Duration> lifetime, OptionalInt maxEntries, Duration skew) {
    private static final Duration MARGIN = Duration.ofSeconds(1);

    static WatermarkBounds of(AuthgateConfig config) {
        RevocationSettings r = config.revocation();
        return new WatermarkBounds(r.statedLifetime(), r.statedMaxEntries(), config.clockSkew());
    }

    WatermarkBounds with(WatermarkBounds other) {
        Optional<Duration> longer = lifetime.isEmpty() ? other.lifetime : other.lifetime.isEmpty() ? lifetime
                : Optional.of(max(lifetime.get(), other.lifetime.get()));
        OptionalInt larger = maxEntries.isEmpty() ? other.maxEntries : other.maxEntries.isEmpty() ? maxEntries
                : OptionalInt.of(Math.max(maxEntries.getAsInt(), other.maxEntries.getAsInt()));
        return new WatermarkBounds(longer, larger, max(skew, other.skew));
    }

    Duration keep() {
        return lifetime.orElse(Duration.ofSeconds(RevocationSettings.DEFAULT_LIFETIME_SECONDS)).plus(skew).plus(MARGIN);
    }

    int cap() {
        return maxEntries.orElse(RevocationSettings.DEFAULT_MAX_ENTRIES);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}

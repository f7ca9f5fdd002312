package io.authgate.core.config;

import io.authgate.core.revocation.redis.RedisSettings;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code revocation} section: how Authgear's webhook events are trusted, and how long the
 * watermarks they set are kept.
 *
 * @param webhookSecret    the key that signs the events; empty when this process receives none
 *                         (it may still apply events another node received, through the feed)
 * @param statedLifetime   {@code max_token_lifetime_seconds}, the longest access-token lifetime of the
 *                         project, when this configuration states it (see {@link #maxTokenLifetime})
 * @param statedMaxEntries {@code max_entries}, the hard cap on the users with an active watermark, when stated.
 *                         Unstated values do not decide the project's watermarks when another
 *                         configuration of the project states them (several APISIX routes share them)
 * @param redis            the Redis stream every node of the project follows ({@code revocation.redis});
 *                         empty: the embedded feed, the receiving node applies its own events
 */
public record RevocationSettings(Optional<WebhookSecret> webhookSecret, Optional<Duration> statedLifetime,
                                 OptionalInt statedMaxEntries, Optional<RedisSettings> redis) {
    public static final String KEY = "revocation";
    public static final int DEFAULT_LIFETIME_SECONDS = 3600;
    /** Authgear's access-token lifetime is configurable up to days; a day of watermarks is the ceiling. */
    public static final int MAX_LIFETIME_SECONDS = 86_400;
    public static final int MIN_LIFETIME_SECONDS = 60;
    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    public static final int MAX_MAX_ENTRIES = 10_000_000;

    public static final RevocationSettings DEFAULTS = new RevocationSettings(Optional.empty(),
            Optional.empty(), OptionalInt.empty(), Optional.empty());

    public RevocationSettings {
        Objects.requireNonNull(webhookSecret, "webhookSecret");
        Objects.requireNonNull(statedLifetime, "statedLifetime");
        Objects.requireNonNull(statedMaxEntries, "statedMaxEntries");
        Objects.requireNonNull(redis, "redis");
    }

    /** The longest access-token lifetime: a token it refuses has expired this long after a watermark's event. */
    public Duration maxTokenLifetime() {
        return statedLifetime.orElse(Duration.ofSeconds(DEFAULT_LIFETIME_SECONDS));
    }

    public int maxEntries() {
        return statedMaxEntries.orElse(DEFAULT_MAX_ENTRIES);
    }

    public RevocationSettings withSecret(WebhookSecret secret) {
        return new RevocationSettings(Optional.of(secret), statedLifetime, statedMaxEntries, redis);
    }
}

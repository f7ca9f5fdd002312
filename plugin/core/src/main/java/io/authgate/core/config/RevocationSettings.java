package io.authgate.core.config;

import io.authgate.core.revocation.redis.RedisSettings;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code revocation} section: how Authgear's webhook events are trusted, and how long the
 * watermarks they set are kept.
 *
 * @param webhookSecret    the key that signs the events; empty when this process receives none
 *                         (it may still apply events another node received, through the feed)
 * @param maxTokenLifetime the longest access-token lifetime of the project: a watermark is kept this
 *                         long after its event, since every token it refuses has expired by then
 * @param maxEntries       hard cap on the users with an active watermark
 * @param redis            the Redis stream every node of the project follows ({@code revocation.redis});
 *                         empty: the embedded feed, the receiving node applies its own events
 */
public record RevocationSettings(Optional<WebhookSecret> webhookSecret, Duration maxTokenLifetime, int maxEntries,
                                 Optional<RedisSettings> redis) {
    public static final String KEY = "revocation";
    public static final int DEFAULT_LIFETIME_SECONDS = 3600;
    /** Authgear's access-token lifetime is configurable up to days; a day of watermarks is the ceiling. */
    public static final int MAX_LIFETIME_SECONDS = 86_400;
    public static final int MIN_LIFETIME_SECONDS = 60;
    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    public static final int MAX_MAX_ENTRIES = 10_000_000;

    public static final RevocationSettings DEFAULTS = new RevocationSettings(Optional.empty(),
            Duration.ofSeconds(DEFAULT_LIFETIME_SECONDS), DEFAULT_MAX_ENTRIES, Optional.empty());

    public RevocationSettings {
        Objects.requireNonNull(webhookSecret, "webhookSecret");
        Objects.requireNonNull(maxTokenLifetime, "maxTokenLifetime");
        Objects.requireNonNull(redis, "redis");
    }

    public RevocationSettings withSecret(WebhookSecret secret) {
        return new RevocationSettings(Optional.of(secret), maxTokenLifetime, maxEntries, redis);
    }
}

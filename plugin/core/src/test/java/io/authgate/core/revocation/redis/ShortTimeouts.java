package io.authgate.core.revocation.redis;

import java.time.Duration;

/** Feed settings for tests: the defaults, with timeouts short enough that an outage shows within a second. */
final class ShortTimeouts {
    private ShortTimeouts() {
    }

    static RedisSettings forUri(String uri) {
        return new RedisSettings(RedisUri.parse(uri, "redis.uri"), RedisSettings.DEFAULT_STREAM, RedisSettings.DEFAULT_RETENTION,
                Duration.ofMillis(200), RedisSettings.DEFAULT_READ_COUNT, Duration.ofMillis(500), Duration.ofMillis(1000),
                RedisSettings.DEFAULT_MAX_REPLY_BYTES, Duration.ofMillis(500));
    }
}

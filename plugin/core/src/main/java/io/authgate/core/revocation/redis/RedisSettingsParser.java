package io.authgate.core.revocation.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigSection;

import java.time.Duration;
import java.util.Set;

/**
 * Reads the {@code redis:} section of a configuration into {@link RedisSettings}; a front hooks it
 * into its config where it sees a {@code redis} key. Every error names the key and the reason.
 *
 * <pre>
 * redis:
 *   uri: redis://:secret@redis.internal:6379/0   # required; rediss:// for TLS
 *   stream: authgate:revocations
 *   retention_seconds: 3600      # default: the longest access-token lifetime given by the caller
 *   read_block_ms: 5000
 *   read_count: 64
 *   connect_timeout_ms: 2000
 *   command_timeout_ms: 2000
 *   max_reply_bytes: 8388608
 *   reconnect_max_ms: 5000
 * </pre>
 */
public final class RedisSettingsParser {
    static final Set<String> KEYS = Set.of("uri", "stream", "retention_seconds", "read_block_ms", "read_count",
            "connect_timeout_ms", "command_timeout_ms", "max_reply_bytes", "reconnect_max_ms");

    private RedisSettingsParser() {
    }

    /**
     * @param redis            the section (its path, {@code redis}, prefixes every key named in an error)
     * @param defaultRetention the retention when {@code retention_seconds} is absent: the watermarks' expiry
     */
    public static RedisSettings parse(ConfigSection redis, Duration defaultRetention) {
        redis.allowOnly(KEYS);
        JsonNode uriNode = redis.get("uri").orElseThrow(() -> new ConfigException(redis.key("uri"),
                "is required (redis://[user:password@]host:port/db)"));
        if (!uriNode.isTextual()) {
            throw new ConfigException(redis.key("uri"), "must be a string");
        }
        RedisUri uri = RedisUri.parse(uriNode.textValue(), redis.key("uri"));
        String stream = redis.get("stream").map(v -> stream(v, redis.key("stream"))).orElse(RedisSettings.DEFAULT_STREAM);
        Duration retention = Duration.ofSeconds(redis.integer("retention_seconds", (int) defaultRetention.toSeconds(), 1, 7 * 86_400));
        Duration readBlock = millis(redis, "read_block_ms", RedisSettings.DEFAULT_READ_BLOCK, 1, 60_000);
        int readCount = redis.integer("read_count", RedisSettings.DEFAULT_READ_COUNT, 1, 10_000);
        Duration connect = millis(redis, "connect_timeout_ms", RedisSettings.DEFAULT_CONNECT_TIMEOUT, 1, 60_000);
        Duration command = millis(redis, "command_timeout_ms", RedisSettings.DEFAULT_COMMAND_TIMEOUT, 1, 60_000);
        int maxReply = redis.integer("max_reply_bytes", RedisSettings.DEFAULT_MAX_REPLY_BYTES, 64 * 1024, 512 * 1024 * 1024);
        if (maxReply / readCount - RedisSettings.ENTRY_OVERHEAD_BYTES < 1024) {
            throw new ConfigException(redis.key("max_reply_bytes"), "divided by " + redis.key("read_count")
                    + " must leave at least 1 KiB per event (raise it, or lower read_count)");
        }
        Duration reconnectMax = millis(redis, "reconnect_max_ms", RedisSettings.DEFAULT_RECONNECT_MAX, 10, 600_000);
        return new RedisSettings(uri, stream, retention, readBlock, readCount, connect, command, maxReply, reconnectMax);
    }

    private static String stream(JsonNode node, String key) {
        if (!node.isTextual() || node.textValue().isEmpty() || node.textValue().length() > 256) {
            throw new ConfigException(key, "must be a non-empty string of at most 256 characters");
        }
        return node.textValue();
    }

    private static Duration millis(ConfigSection s, String name, Duration fallback, int min, int max) {
        return Duration.ofMillis(s.integer(name, (int) fallback.toMillis(), min, max));
    }
}

package io.authgate.core.revocation.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Redis Streams revocation feed reaches Redis. Immutable.
 *
 * @param uri            where Redis is, and the login
 * @param stream         the stream's key; every node of one deployment names the same
 * @param retention      how long events stay in the stream (trimmed by age on every append) and how
 *                       far back a starting node reads: the longest access-token lifetime, after which
 *                       an event cannot matter any more
 * @param readBlock      how long one XREAD waits for new entries before asking again
 * @param readCount      entries per XREAD at most
 * @param connectTimeout bound on opening a connection (TCP, TLS, AUTH, SELECT, TIME)
 * @param commandTimeout bound on any one command's answer (an XREAD: {@code readBlock} plus this)
 * @param maxReplyBytes  bound on one reply; a larger one is refused and the connection dropped
 * @param reconnectMax   cap of the backoff between reconnection attempts
 */
public record RedisSettings(
        RedisUri uri,
        String stream,
        Duration retention,
        Duration readBlock,
        int readCount,
        Duration connectTimeout,
        Duration commandTimeout,
        int maxReplyBytes,
        Duration reconnectMax) {

    public static final String DEFAULT_STREAM = "authgate:revocations";
    /** The longest access-token lifetime the watermarks assume by default (issue 14). */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);
    public static final Duration DEFAULT_READ_BLOCK = Duration.ofSeconds(5);
    public static final int DEFAULT_READ_COUNT = 64;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_REPLY_BYTES = 8 * 1024 * 1024;
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(5);
    /** What an entry costs a reply besides its body: its id, the field name, the RESP framing. */
    static final int ENTRY_OVERHEAD_BYTES = 128;

    public RedisSettings {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(readBlock, "readBlock");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(reconnectMax, "reconnectMax");
        if (readCount < 1 || maxReplyBytes / readCount - ENTRY_OVERHEAD_BYTES < 1024) { // fields are not assigned yet here
            throw new IllegalArgumentException("maxReplyBytes / readCount leaves less than 1 KiB per event");
        }
    }

    /** The defaults, for Redis at {@code uri}. */
    public static RedisSettings defaults(RedisUri uri) {
        return new RedisSettings(uri, DEFAULT_STREAM, DEFAULT_RETENTION, DEFAULT_READ_BLOCK, DEFAULT_READ_COUNT,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT, DEFAULT_MAX_REPLY_BYTES, DEFAULT_RECONNECT_MAX);
    }

    /**
     * The largest event body {@code publish} accepts: a full XREAD of {@code readCount} such entries
     * still fits in {@code maxReplyBytes}, so a reader can never be stuck on entries this feed wrote
     * (128 KiB by default; an Authgear event is a few KiB).
     */
    public int maxEventBytes() {
        return maxReplyBytes / readCount - ENTRY_OVERHEAD_BYTES;
    }

    /**
     * The longest a {@code publish} can take: connecting, then the append, twice (a connection that
     * sat idle may turn out closed, and is replaced once).
     */
    public Duration publishDeadline() {
        return connectTimeout.plus(commandTimeout).multipliedBy(2);
    }
}

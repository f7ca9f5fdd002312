package io.authgate.core.revocation;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * How a verified Authgear webhook event reaches every node. The node that receives a webhook
 * {@link #publish publishes} the event's body; every node (the receiver too) hears it through the
 * sink given to {@link #start}. The embedded feed hands each body straight to its own sink (one node);
 * a Redis Streams feed appends to a stream that every adapter and runner reads, from the start of the
 * retention window on start-up, so a node restarted mid-stream catches up.
 *
 * <p>Delivery is at least once: a sink must be idempotent (the same event id, or a replay, changes
 * nothing). Bodies are the raw JSON Authgear signed; nothing here logs one.
 */
public interface RevocationFeed extends AutoCloseable {

    /**
     * Appends one verified event. The future completes once the event is durable for every node (the
     * embedded feed: once its sink has applied it), or exceptionally when it is not (Redis down): the
     * receiver then answers 5xx so that Authgear delivers the event again later.
     */
    CompletableFuture<Void> publish(byte[] eventBody);

    /** Starts delivering events to {@code sink}, on the feed's own thread (never an event loop). Once. */
    void start(Consumer<byte[]> sink);

    /**
     * Whether the feed reaches every node now, for an alarm metric ({@code authgate_revocation_feed_up}):
     * the embedded feed always does; the Redis feed does while its reader and its last publish reached Redis.
     */
    default boolean up() {
        return true;
    }

    /** Stops delivering and releases connections; idempotent. */
    @Override
    void close();
}

package io.authgate.core.revocation.redis;

import io.authgate.core.RevocationFeedFailure;

import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Appends events to the stream on its own thread, so that a caller on an event loop only queues:
 * {@code XADD <stream> MINID ~ <redis now − retention> * body <event>}, which also trims the stream by
 * age (whole nodes of entries older than the window; {@code ~} lets Redis trim cheaply). Its own
 * connection, opened on the first append and again after a failure. A publish completes when Redis
 * has answered with the entry's id, exceptionally on a failure, and at the latest after
 * {@link RedisSettings#publishDeadline()} (queueing included), so it never hangs.
 */
final class StreamPublisher implements AutoCloseable {
    private final RedisSettings settings;
    private final FeedHealth health;
    private final RedisConnector connector;
    private final ThreadPoolExecutor thread;
    /** Used only on {@link #thread}. */
    private Optional<RedisConnection> connection = Optional.empty();

    StreamPublisher(RedisSettings settings, FeedHealth health, RedisConnector connector, int maxQueued, String threadName) {
        this.settings = settings;
        this.health = health;
        this.connector = connector;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(maxQueued), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    CompletableFuture<Void> publish(byte[] body) {
        Append append = new Append(body.clone(), new CompletableFuture<>());
        try {
            thread.execute(append);
        } catch (RejectedExecutionException e) {
            append.done.completeExceptionally(new IllegalStateException(thread.isShutdown()
                    ? "the revocation feed is closed" : "too many events waiting for Redis (" + thread.getQueue().size() + ")"));
            return append.done;
        }
        return append.done.orTimeout(settings.publishDeadline().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One queued append; its future is failed, not forgotten, when the feed closes first. */
    private final class Append implements Runnable {
        final byte[] body;
        final CompletableFuture<Void> done;

        Append(byte[] body, CompletableFuture<Void> done) {
            this.body = body;
            this.done = done;
        }

        @Override
        public void run() {
            if (done.isDone()) {
                return; // its deadline passed while it waited
            }
            try {
                append(body, true);
                health.publisherUp();
                done.complete(null);
            } catch (RedisException e) {
                health.publisherFailed(e);
                done.completeExceptionally(e);
            }
        }
    }

    private void append(byte[] body, boolean mayRetry) throws RedisException {
        boolean reused = connection.isPresent();
        RedisConnection c = reused ? connection.get() : connector.open();
        connection = Optional.of(c);
        try {
            Reply id = c.call(settings.commandTimeout(),
                    RedisConnection.utf8("XADD"), RedisConnection.utf8(settings.stream()),
                    RedisConnection.utf8("MINID"), RedisConnection.utf8("~"),
                    RedisConnection.utf8(Long.toString(c.redisNowMillis() - settings.retention().toMillis())),
                    RedisConnection.utf8("*"), RedisConnection.utf8(StreamEntry.BODY_FIELD), body);
            if (!(id instanceof Reply.Bulk)) {
                c.close();
                throw new RedisException(RevocationFeedFailure.PROTOCOL, "XADD was not answered with an entry id");
            }
        } catch (RedisException e) {
            connection = Optional.empty();
            // A connection that sat idle may have been closed by Redis (a restart, a timeout): one
            // more try on a fresh one. Should the first XADD have landed after all, the event is there
            // twice, which delivery at least once allows.
            if (reused && mayRetry && e.failure() == RevocationFeedFailure.CONNECT) {
                append(body, false);
                return;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        for (Runnable r : thread.shutdownNow()) {
            ((Append) r).done.completeExceptionally(new IllegalStateException("the revocation feed is closed"));
        }
        try {
            thread.awaitTermination(settings.publishDeadline().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.ifPresent(RedisConnection::close);
    }
}

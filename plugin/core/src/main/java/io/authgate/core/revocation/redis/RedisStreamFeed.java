package io.authgate.core.revocation.redis;

import io.authgate.core.AuthgateEvents;
import io.authgate.core.revocation.RevocationFeed;

import javax.net.ssl.SSLSocketFactory;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The revocation feed over a Redis stream: every node appends the events it receives and reads
 * everyone's, so an event posted to one node reaches all of them; a node started (or reconnected)
 * late catches up from the retention window (or its last id). Three daemon threads of its own, none of
 * them ever a caller's: the reader, the publisher, and a watchdog that enforces every deadline.
 * Success and failure go to the core's events ("failing" and "recovered" said once each, see
 * {@code StateChanges}); {@link #up()} is the alarm gauge.
 *
 * <p>Redis's own client, over JDK sockets, speaking only RESP2 and only the commands this needs
 * (AUTH, SELECT, TIME, XADD, XREAD): the core has no Netty, and its jar is shaded into the APISIX
 * runner, which brings its own Netty 4.1; {@code netty-codec-redis} there would tie the core to the
 * runner's Netty version and put an event loop in a process that does not need one for a few events a
 * minute. Blocking I/O on the feed's own threads is the simpler thing that cannot stall an event loop.
 */
public final class RedisStreamFeed implements RevocationFeed {
    /** Bound on events waiting for Redis; past it a publish fails at once (and Authgear retries the webhook). */
    public static final int MAX_QUEUED_PUBLISHES = 1024;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final RedisSettings settings;
    private final FeedHealth health;
    private final ScheduledThreadPoolExecutor watchdog;
    private final RedisConnector connector;
    private final StreamPublisher publisher;
    private final LongAdder sinkFailures = new LongAdder();
    private final String readerThreadName;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Optional<StreamReader> reader = Optional.empty();
    private volatile Optional<Thread> readerThread = Optional.empty();

    /** For {@code rediss://}, the JVM's trust store ({@code -Djavax.net.ssl.trustStore}) decides which certificates are trusted. */
    public RedisStreamFeed(RedisSettings settings, AuthgateEvents events) {
        this(settings, events, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** With TLS from {@code tls} (another trust store than the JVM's). */
    public RedisStreamFeed(RedisSettings settings, AuthgateEvents events, SSLSocketFactory tls) {
        this.settings = settings;
        this.health = new FeedHealth(events);
        int n = INSTANCES.incrementAndGet();
        this.readerThreadName = "authgate-redis-reader-" + n;
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "authgate-redis-watchdog-" + n);
            t.setDaemon(true);
            return t;
        });
        this.watchdog.setRemoveOnCancelPolicy(true); // a command that answered in time leaves nothing behind
        this.connector = new RedisConnector(settings, watchdog, tls);
        this.publisher = new StreamPublisher(settings, health, connector, MAX_QUEUED_PUBLISHES, "authgate-redis-publisher-" + n);
    }

    /**
     * Queues the append and returns at once (the body is copied). The future completes on the feed's
     * publisher thread, or on the JDK's delayer thread at the deadline: a caller on an event loop
     * hands its continuation back to its loop.
     */
    @Override
    public CompletableFuture<Void> publish(byte[] eventBody) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the revocation feed is closed"));
        }
        if (eventBody.length > settings.maxEventBytes()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("an event of " + eventBody.length
                    + " bytes is larger than the feed carries (" + settings.maxEventBytes() + " bytes: redis.max_reply_bytes / redis.read_count)"));
        }
        return publisher.publish(eventBody);
    }

    @Override
    public void start(Consumer<byte[]> sink) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the revocation feed is started once");
        }
        if (closed.get()) {
            throw new IllegalStateException("the revocation feed is closed");
        }
        StreamReader r = new StreamReader(settings, health, connector, sink, sinkFailures);
        Thread t = new Thread(r, readerThreadName);
        t.setDaemon(true);
        reader = Optional.of(r);
        readerThread = Optional.of(t);
        t.start();
    }

    /** 1 for {@code authgate_revocation_feed_up}: the reader reads, and the last publish reached Redis. */
    @Override
    public boolean up() {
        return !closed.get() && health.up();
    }

    /** Events a sink threw on (each dropped for this node; a metric, since the sink is the one to say why). */
    public long sinkFailures() {
        return sinkFailures.sum();
    }

    String readerThreadName() {
        return readerThreadName;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        reader.ifPresent(StreamReader::close);
        readerThread.ifPresent(t -> {
            t.interrupt();
            try {
                t.join(settings.readBlock().plus(settings.commandTimeout()).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        publisher.close();
        watchdog.shutdownNow();
    }
}

package io.authgate.forwardauth;

import io.netty.channel.ChannelHandlerContext;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One connection's deadline for a complete request head: within {@code timeout} of the connection
 * opening, or of the first byte of a later head. A byte a second (slowloris) resets an idle timeout
 * forever; it does not move this one. A connection idle between requests (keep-alive) awaits no
 * head, and time the adapter spends not reading it (back-pressure, {@link DecisionRequestDecoder})
 * does not count. Past the deadline the connection is closed, unanswered, and counted.
 *
 * <p>One timer per connection, armed only while a head is awaited and cancelled when the connection
 * closes: a request that arrives whole in one read never touches it. Event loop only.
 */
final class HeadDeadline implements Runnable {
    private static final long NONE = Long.MIN_VALUE;

    private final long timeoutNanos;
    private final Metrics metrics;
    /** {@link System#nanoTime}, or a test's clock that moves with its event loop's. */
    private final LongSupplier clock;
    private ChannelHandlerContext ctx;
    private DecisionRequestDecoder decoder;
    /** When the head now awaited began to be awaited, or NONE. */
    private long since = NONE;
    /** How many requests had been decoded when {@link #since} was set. */
    private long decodedAtSince;
    private ScheduledFuture<?> timer;

    HeadDeadline(Duration timeout, Metrics metrics) {
        this(timeout, metrics, System::nanoTime);
    }

    HeadDeadline(Duration timeout, Metrics metrics, LongSupplier clock) {
        this.timeoutNanos = timeout.toNanos();
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The connection is open: its first head is due. */
    void connected(ChannelHandlerContext ctx, DecisionRequestDecoder decoder) {
        this.ctx = ctx;
        this.decoder = decoder;
        since = clock.getAsLong();
        decodedAtSince = 0;
        arm(timeoutNanos);
        ctx.channel().closeFuture().addListener(closed -> cancel());
    }

    /**
     * After decoding: {@code headStarted} says whether bytes of a head not yet decoded have arrived,
     * {@code decoded} how many requests the connection has had.
     */
    void decoded(boolean headStarted, long decoded) {
        boolean sameHead = since != NONE && decoded == decodedAtSince;
        if (!headStarted) {
            if (!sameHead) {
                since = NONE; // the awaited head came, nothing follows: idle between requests
            }
            return;
        }
        if (!sameHead) {
            since = clock.getAsLong(); // part of a new head is here
            decodedAtSince = decoded;
            if (timer == null) {
                arm(timeoutNanos);
            }
        }
    }

    /** The timer: close a connection whose head is late, else look again when it would be. */
    @Override
    public void run() {
        try {
            check();
        } catch (Throwable t) {
            // Netty logs and forgets what a scheduled task throws: an Error must still end the process.
            Fatal.haltIfFatal("checking a request head deadline", t);
            throw t;
        }
    }

    private void check() {
        timer = null;
        if (since == NONE || !ctx.channel().isActive()) {
            return;
        }
        long now = clock.getAsLong();
        if (decoder.isWaitingForUs()) {
            since = now; // not the client's time: the clock restarts when reading does
            arm(timeoutNanos);
        } else if (now - since >= timeoutNanos) {
            metrics.connectionClosed(Metrics.Closure.REQUEST_HEAD_TIMEOUT);
            ctx.close();
        } else {
            arm(since + timeoutNanos - now);
        }
    }

    private void arm(long delayNanos) {
        timer = ctx.executor().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}

package io.authgate.forwardauth;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.authgate.forwardauth.log.AdapterLog;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a listening socket does when accept(2) fails, typically because the process is out of file
 * descriptors (EMFILE): the connection waits in the kernel's backlog, the port stops accepting for
 * {@link #RETRY_MILLIS} and tries again, so it accepts within a tenth of a second of descriptors
 * freeing; the failure is counted in /metrics and said on one line of the log at most once a minute. Netty's
 * own handling (a WARN with a stack trace through the JDK logger for every failure, and a
 * one-second pause) is not reached: under EMFILE that logger's first record could not load the
 * time-zone rules, and the NoClassDefFoundError killed the accepting thread for good. An Error ends
 * the process ({@link Fatal}).
 */
@ChannelHandler.Sharable
final class AcceptErrors extends ChannelInboundHandlerAdapter {
    static final long RETRY_MILLIS = 100;
    private static final long SAY_AT_MOST_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Metrics metrics;
    private final AdapterLog log;
    private final AtomicLong lastSaid = new AtomicLong(System.nanoTime() - SAY_AT_MOST_EVERY_NANOS);

    AcceptErrors(Metrics metrics, AdapterLog log) {
        this.metrics = metrics;
        this.log = log;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Fatal.haltIfFatal("accepting connections", cause);
        metrics.acceptFailed();
        say(cause);
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            config.setAutoRead(false);
            ctx.channel().eventLoop().schedule(() -> config.setAutoRead(true), RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void say(Throwable cause) {
        long now = System.nanoTime();
        long last = lastSaid.get();
        if (now - last < SAY_AT_MOST_EVERY_NANOS || !lastSaid.compareAndSet(last, now)) {
            return;
        }
        log.acceptFailing(String.valueOf(cause.getMessage()), RETRY_MILLIS);
    }
}

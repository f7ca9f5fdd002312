package io.authgate.forwardauth;

import io.authgate.core.AtMostOncePer;
import io.authgate.forwardauth.log.AdapterLog;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

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

    private final Metrics metrics;
    private final AdapterLog log;
    /** Made with the handler, at start: nothing is loaded later, when descriptors may have run out. */
    private final AtMostOncePer said = new AtMostOncePer(Duration.ofMinutes(1));

    AcceptErrors(Metrics metrics, AdapterLog log) {
        this.metrics = metrics;
        this.log = log;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Fatal.haltIfFatal("accepting connections", cause);
        metrics.acceptFailed();
        if (said.now()) {
            log.acceptFailing(String.valueOf(cause.getMessage()), RETRY_MILLIS);
        }
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            config.setAutoRead(false);
            ctx.channel().eventLoop().schedule(() -> config.setAutoRead(true), RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}

package io.authgate.forwardauth;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection's two bounds on the webhook and management ports, between the aggregator and the
 * port's handler ({@link WebhookHandler}, {@link AdminHandler}):
 * <ul>
 * <li>a whole request (head and body) is due within {@code timeout} of the connection opening or of
 *     its previous answer being written. A byte every few seconds (slowloris) resets an idle timeout;
 *     it does not move this one. Past it the connection is closed, unanswered, and counted. An idle
 *     keep-alive connection is closed by the same deadline: Authgear's Go client, Prometheus and a
 *     kubelet's probe open a new one.</li>
 * <li>one request in flight: a request that arrives before the previous one's answer was written is
 *     pipelining, which Authgear's client (and a scraper) never does; the connection is closed and
 *     counted, so one connection holds at most one place on the webhook thread's queue.</li>
 * </ul>
 * Unlike {@link HeadDeadline} (decision port: head only, no body, back-pressure aware), this times the
 * aggregated request, so one timer armed at open and after each answer suffices. Event loop only.
 */
final class WholeRequestDeadline extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private final Metrics metrics;
    private final Metrics.Closure timedOut;
    private final Metrics.Closure pipelined;
    private ScheduledFuture<?> timer;
    /** A request was passed on and its answer is not yet written. */
    private boolean inFlight;

    /** @param timedOut how a close at the deadline is counted; @param pipelined how one for a pipelined request is */
    WholeRequestDeadline(Duration timeout, Metrics metrics, Metrics.Closure timedOut, Metrics.Closure pipelined) {
        this.timeoutNanos = timeout.toNanos();
        this.metrics = metrics;
        this.timedOut = timedOut;
        this.pipelined = pipelined;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (inFlight) {
            ReferenceCountUtil.release(msg);
            metrics.connectionClosed(pipelined);
            ctx.close();
            return;
        }
        inFlight = true;
        disarm(); // the request is in: the time to answer it is the adapter's, not the client's
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse) {
            promise.addListener(written -> {
                inFlight = false;
                if (ctx.channel().isActive()) {
                    arm(ctx);
                }
            });
        }
        ctx.write(msg, promise);
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void expire(ChannelHandlerContext ctx) {
        try {
            timer = null;
            if (!inFlight && ctx.channel().isActive()) {
                metrics.connectionClosed(timedOut);
                ctx.close();
            }
        } catch (Throwable t) {
            // Netty logs and forgets what a scheduled task throws: an Error must still end the process.
            Fatal.haltIfFatal("checking a request deadline", t);
            throw t;
        }
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}

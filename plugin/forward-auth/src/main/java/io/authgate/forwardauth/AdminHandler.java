package io.authgate.forwardauth;

import io.authgate.core.headers.Header;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The management port, never the decision port: {@code /healthz} (the process is up),
 * {@code /readyz} (keys are loaded for every configured issuer), {@code /metrics} (Prometheus);
 * GET and HEAD only.
 */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final List<Header> PROMETHEUS = List.of(new Header("content-type", "text/plain; version=0.0.4; charset=utf-8"));
    /** Every path here is read-only: anything but GET and HEAD is 405 (RFC 9110 15.5.6: with Allow). */
    private static final List<Header> READ_ONLY = List.of(Responses.TEXT.get(0), new Header("allow", "GET, HEAD"));

    /** Keys are loaded for every configured issuer (and a fetch starts for those that lack them). */
    private final BooleanSupplier ready;
    private final Metrics metrics;

    AdminHandler(BooleanSupplier ready, Metrics metrics) {
        this.ready = ready;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            // Netty stopped reading it (a bound, a bad line): answer that, never what was read of it; then close.
            Responses.text(ctx, false, Responses.unparsable(request.decoderResult().cause()), "bad request\n");
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            Responses.send(ctx, keepAlive, false, 405, READ_ONLY, "method not allowed: the management port answers GET and HEAD\n");
            return;
        }
        switch (ForwardedTarget.pathOf(request.uri())) {
            case "/healthz" -> Responses.text(ctx, keepAlive, 200, "ok\n");
            case "/readyz" -> {
                boolean ready = this.ready.getAsBoolean();
                Responses.text(ctx, keepAlive, ready ? 200 : 503, ready ? "ready\n" : "not ready: signing keys not loaded\n");
            }
            case "/metrics" -> Responses.send(ctx, keepAlive, false, 200, PROMETHEUS, metrics.render());
            default -> Responses.text(ctx, keepAlive, 404, "not found: /healthz, /readyz, /metrics\n");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Fatal.haltIfFatal("serving a management connection", cause);
        ctx.close();
    }
}

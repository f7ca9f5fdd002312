package io.authgate.forwardauth;

import io.authgate.core.WebhookAnswer;
import io.authgate.core.WebhookReceiver;
import io.authgate.core.headers.Header;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The webhook port: {@code POST /authgear/webhook} with Authgear's JSON event and its
 * {@code x-authgear-body-signature}. The body is capped before this sees it ({@link ForwardAuthServer}:
 * 413), and one request per connection is in flight ({@link WholeRequestDeadline}). The signature is
 * checked here, on the event loop, so a badly signed request is answered 401 at once and never takes
 * queue room; a signed event is read and published on the receiver's own thread, never the event
 * loop, and answered when the feed has it (200), or could not take it (503, so Authgear may deliver
 * it again). The signature, the event and the feed are the core's ({@link WebhookReceiver}). Nothing
 * here logs a body or a header.
 */
@ChannelHandler.Sharable
final class WebhookHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String PATH = "/authgear/webhook";
    private static final List<Header> POST_ONLY = List.of(Responses.TEXT.get(0), new Header("allow", "POST"));

    private final WebhookReceiver receiver;
    private final Executor work;
    private final Metrics metrics;

    /** @param work where events are checked and applied: a bounded queue, never an event loop */
    WebhookHandler(WebhookReceiver receiver, Executor work, Metrics metrics) {
        this.receiver = receiver;
        this.work = work;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
        if (!request.decoderResult().isSuccess()) {
            Responses.text(ctx, false, 400, "bad request\n");
            return;
        }
        if (!ForwardedTarget.pathOf(request.uri()).equals(PATH)) {
            Responses.text(ctx, keepAlive, 404, "not found: Authgear's webhook events go to POST " + PATH + "\n");
            return;
        }
        if (!request.method().equals(HttpMethod.POST)) {
            Responses.send(ctx, keepAlive, false, 405, POST_ONLY, "method not allowed: POST " + PATH + "\n");
            return;
        }
        if (!WebhookReceiver.isJson(request.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
            Responses.text(ctx, keepAlive, 415, "unsupported media type: Authgear posts application/json\n");
            return;
        }
        List<String> signatures = request.headers().getAll(WebhookReceiver.SIGNATURE_HEADER);
        // Two signatures are one too many: neither is trusted.
        Optional<String> signature = signatures.size() == 1 ? Optional.of(signatures.get(0))
                : signatures.isEmpty() ? Optional.empty() : Optional.of("");
        byte[] body = ByteBufUtil.getBytes(request.content());
        // The signature is checked here, on the event loop (one HMAC over at most 64 KiB: tens of
        // microseconds), so that only Authgear's signed events take room on the webhook thread's queue.
        WebhookReceiver.Checked checked = receiver.check(body, signature);
        if (checked.refused().isPresent()) {
            answer(ctx, keepAlive, checked.refused().get());
            return;
        }
        try {
            work.execute(() -> receiver.receive(checked).whenComplete((answer, error) -> {
                // The receiver never fails and counts its own answers (AuthgateEvents.webhookAnswered); were it to fail, say 503.
                WebhookAnswer said = error == null ? answer : WebhookAnswer.UNAVAILABLE;
                if (error != null) {
                    metrics.webhookAnswered(said);
                }
                ctx.executor().execute(() -> answer(ctx, keepAlive, said));
            }));
        } catch (RejectedExecutionException e) {
            metrics.webhookAnswered(WebhookAnswer.UNAVAILABLE);
            answer(ctx, keepAlive, WebhookAnswer.UNAVAILABLE);
        }
    }

    private static void answer(ChannelHandlerContext ctx, boolean keepAlive, WebhookAnswer answer) {
        Responses.text(ctx, keepAlive, answer.status(), answer.label() + "\n");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Fatal.haltIfFatal("serving a webhook connection", cause);
        ctx.close();
    }
}

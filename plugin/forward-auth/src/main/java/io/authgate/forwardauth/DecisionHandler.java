package io.authgate.forwardauth;

import io.authgate.core.headers.Header;
import io.authgate.core.Decision;
import io.authgate.core.Denials;
import io.authgate.core.RejectionRecorder;
import io.authgate.forwardauth.log.DecisionLog;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The decision port: {@code GET|HEAD /_resolver/resolve} (and, for Envoy, anything under its path
 * prefix) answered with 200 and the {@code x-authgear-*} headers, or the core's denial. Never
 * blocks the event loop: when keys must be fetched, the answer is written when they arrive.
 */
@ChannelHandler.Sharable
final class DecisionHandler extends SimpleChannelInboundHandler<HttpRequest> {
    static final String RESOLVE_PATH = "/_resolver/resolve";
    private static final List<Header> ALLOW_GET_HEAD = List.of(new Header("allow", "GET, HEAD"));
    private static final CompletableFuture<Void> ANSWERED = CompletableFuture.completedFuture(null);
    /** The answer still being decided on a connection, if any. */
    private static final AttributeKey<CompletableFuture<Void>> LAST_ANSWER = AttributeKey.valueOf("authgate.lastAnswer");

    /** Read once per request: the request is decided entirely under one configuration (a reload swaps it). */
    private final LiveRouting routing;
    private final Metrics metrics;
    private final AtomicInteger inFlight;
    private final AnswerCaching answerCaching;
    /** {@code cache-control} field lines by max-age, built once ({@link AnswerCaching#fieldLines}). */
    private final byte[][] cacheControlLines;
    private final Clock clock;
    private final DecisionLog decisionLog;

    DecisionHandler(LiveRouting routing, Metrics metrics, AtomicInteger inFlight, AnswerCaching answerCaching, Clock clock,
                    DecisionLog decisionLog) {
        this.routing = routing;
        this.metrics = metrics;
        this.inFlight = inFlight;
        this.answerCaching = answerCaching;
        this.cacheControlLines = answerCaching.fieldLines();
        this.clock = clock;
        this.decisionLog = decisionLog;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpRequest request) {
        // HTTP/1.1 answers pipelined requests in order (RFC 9112 §9.3.2). A decision that waits for
        // keys completes later, on another thread: requests behind it on the same connection wait
        // for it, so no later answer overtakes it. The common case (nothing pending) costs nothing.
        CompletableFuture<Void> previous = ctx.channel().attr(LAST_ANSWER).get();
        CompletableFuture<Void> mine;
        if (previous == null || previous.isDone()) {
            mine = handle(ctx, request);
        } else {
            ReferenceCountUtil.retain(request);
            // Whatever became of the previous answer, this one is still owed.
            mine = previous.handle((done, error) -> null).thenComposeAsync(done -> {
                try {
                    return handle(ctx, request);
                } finally {
                    ReferenceCountUtil.release(request);
                }
            }, onEventLoop(ctx));
        }
        ctx.channel().attr(LAST_ANSWER).set(mine.isDone() ? null : mine);
        // The decoder reads this connection's next request only while few answers are outstanding.
        DecisionRequestDecoder decoder = (DecisionRequestDecoder) ctx.pipeline().get(ForwardAuthServer.DECODER);
        if (mine.isDone()) {
            decoder.answered();
        } else {
            // Completes on the event loop (onEventLoop), where the decoder lives.
            mine.whenComplete((done, error) -> {
                Fatal.haltIfFatal("answering a decision", error);
                decoder.answered();
            });
        }
    }

    /**
     * The connection's event loop, or the calling thread once that loop no longer takes tasks
     * (stopping): an answer owed is still written, and the request is still counted out.
     */
    private static Executor onEventLoop(ChannelHandlerContext ctx) {
        return task -> {
            try {
                ctx.executor().execute(task);
            } catch (RejectedExecutionException e) {
                task.run();
            }
        };
    }

    /** Answers one request; the future completes once the answer is written (at once, usually). */
    private CompletableFuture<Void> handle(ChannelHandlerContext ctx, HttpRequest request) {
        long started = System.nanoTime();
        if (request.decoderResult().isFailure()) {
            badRequest(ctx, request, started);
            return ANSWERED;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        Routing now = routing.current();
        DecisionRequest read = now.requests().read(request);
        // Only while the decision log is on does a request carry a recorder (one allocation) for its token's fate.
        DecisionRequest decisionRequest = decisionLog.enabled() ? read.traced(new RejectionRecorder()) : read;
        boolean head = HttpMethod.HEAD.name().equals(decisionRequest.method());
        if (!decisionRequest.envoy() && !RESOLVE_PATH.equals(decisionRequest.path())) {
            refused(request, 404, Metrics.Outcome.NOT_FOUND, started);
            Responses.send(ctx, keepAlive, head, 404, Responses.TEXT, "not found: decisions are at " + RESOLVE_PATH + "\n");
            return ANSWERED;
        }
        if (!decisionRequest.envoy() && !head && !HttpMethod.GET.name().equals(decisionRequest.method())) {
            refused(request, 405, Metrics.Outcome.BAD_REQUEST, started);
            Responses.send(ctx, keepAlive, false, 405, ALLOW_GET_HEAD, "");
            return ANSWERED;
        }
        CompletableFuture<Decision> decision;
        try {
            decision = now.router().decide(decisionRequest);
        } catch (RuntimeException e) {
            decision = CompletableFuture.completedFuture(Denials.INTERNAL_ERROR);
        }
        inFlight.incrementAndGet();
        if (decision.isDone() && !decision.isCompletedExceptionally()) {
            answer(ctx, request, decisionRequest, now.entries(), keepAlive, head, decision.getNow(Denials.INTERNAL_ERROR), started);
            return ANSWERED;
        }
        // Written from the event loop, which then also reads the connection's next request.
        return decision.handleAsync((d, error) -> {
            Fatal.haltIfFatal("deciding", error);
            answer(ctx, request, decisionRequest, now.entries(), keepAlive, head, error == null ? d : Denials.INTERNAL_ERROR, started);
            return null;
        }, onEventLoop(ctx));
    }

    private void answer(ChannelHandlerContext ctx, HttpRequest request, DecisionRequest decisionRequest, DecisionEntries entries,
                        boolean keepAlive, boolean head, Decision decision, long started) {
        try {
            // Counted and logged before the answer is written: once a client holds an answer, its metric and
            // its decision line exist, in the order the answers were given (the next request may run on
            // another event loop).
            Metrics.Outcome outcome = decision instanceof Decision.Allow allow
                    ? (allow.headers().isEmpty() ? Metrics.Outcome.NO_SESSION : Metrics.Outcome.SESSION)
                    : outcomeOf((Decision.Deny) decision);
            long nanos = System.nanoTime() - started;
            metrics.decided(outcome, nanos);
            if (decisionLog.enabled()) {
                decisionLog.record(entries.decided(request, decisionRequest, decision, outcome, nanos));
            }
            if (decision instanceof Decision.Allow allow) {
                int maxAge = answerCaching.maxAgeSeconds(allow, clock.millis());
                Responses.allow(ctx, keepAlive, head, allow.headers(), maxAge, cacheControlLines[maxAge]);
            } else {
                Decision.Deny deny = (Decision.Deny) decision;
                Responses.send(ctx, keepAlive, head, deny.status(), deny.headers(), deny.body());
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    static Metrics.Outcome outcomeOf(Decision.Deny deny) {
        if (deny == Denials.KEYS_UNAVAILABLE) {
            return Metrics.Outcome.KEYS_UNAVAILABLE;
        }
        if (deny == Denials.RESOLVER_UNAVAILABLE) {
            // Authgear did not answer: not a fault of authgate's own, which internal_error would say.
            return Metrics.Outcome.RESOLVER_UNAVAILABLE;
        }
        return deny.status() >= 500 ? Metrics.Outcome.INTERNAL_ERROR : Metrics.Outcome.DENIED;
    }

    /** An answer before any decision: counted, and logged when the decision log is on. */
    private void refused(HttpRequest request, int status, Metrics.Outcome outcome, long started) {
        long nanos = System.nanoTime() - started;
        metrics.decided(outcome, nanos);
        if (decisionLog.enabled()) {
            decisionLog.record(routing.current().entries().refused(request, status, outcome, nanos));
        }
    }

    /** A request Netty could not parse: a clean 4xx, then close (the stream may be out of step). */
    private void badRequest(ChannelHandlerContext ctx, HttpRequest request, long started) {
        int status = Responses.unparsable(request.decoderResult().cause());
        refused(request, status, Metrics.Outcome.BAD_REQUEST, started);
        Responses.text(ctx, false, status, "bad request\n");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An Error (out of memory, ...) that Netty caught in this connection's pipeline: the process
        // may be broken beyond this connection, so it ends (Fatal). Anything else is connection-level
        // (resets, a peer gone mid-write): nothing to answer, nothing to log.
        Fatal.haltIfFatal("serving a decision connection", cause);
        ctx.close();
    }
}

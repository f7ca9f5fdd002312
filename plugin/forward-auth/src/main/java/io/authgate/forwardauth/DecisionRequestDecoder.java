package io.authgate.forwardauth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;

import java.util.List;
import java.util.Optional;

/**
 * The decision port's request decoder, one per connection, and what one connection may cost.
 *
 * <ul>
 *   <li><b>Framing</b>: a request whose framing is not a gateway's ({@link RequestFraming}) is passed
 *   on as a failed decode, which {@link DecisionHandler} answers 400 and closes, in its turn among
 *   pipelined answers; nothing after its head is ever decoded. No body is ever read: only request
 *   heads go down the pipeline.</li>
 *   <li><b>Pacing</b>: requests are decoded one at a time, and only while the connection has fewer
 *   than {@code maxPipelined} answers outstanding and its socket is writable (unread answers below
 *   Netty's high-water mark). Otherwise the socket is not read ({@code autoRead} off) until an
 *   answer is written or the client reads: a client that pipelines and never reads fills its own
 *   socket buffers, not the adapter's memory.</li>
 *   <li><b>Head deadline</b>: {@link HeadDeadline}.</li>
 * </ul>
 *
 * <p>Everything runs on the connection's event loop. The common case (one request per read, answered
 * at once) costs a few field updates and no allocation.
 */
final class DecisionRequestDecoder extends HttpRequestDecoder {
    private final int maxPipelined;
    private final HeadDeadline deadline;
    private final Metrics metrics;
    /** Requests passed on whose answers are not yet written. */
    private int outstanding;
    /** Requests passed on, ever: tells one head from the next. */
    private long decoded;
    /** The socket is not being read until the connection may take another request. */
    private boolean paused;
    /** A request was refused: nothing more is read or decoded; the connection closes after its 400. */
    private boolean stopped;
    /** This decoder's place in its pipeline: what it decodes goes on from here. */
    private ChannelHandlerContext self;
    /** Inside this decoder's own channelRead: an answer written now must not re-enter it. */
    private boolean reading;
    /**
     * Bytes of a head not yet decoded have arrived. Not the same as bytes in the buffer: the
     * decoder consumes complete lines as it goes, so most of an unfinished head lives in its state.
     */
    private boolean headStarted;

    DecisionRequestDecoder(int maxPipelined, HeadDeadline deadline, Metrics metrics) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(ForwardAuthServer.MAX_INITIAL_LINE)
                .setMaxHeaderSize(ForwardAuthServer.MAX_HEADER_SIZE)
                .setHeadersFactory(RequestFraming.HEADERS));
        setSingleDecode(true);
        this.maxPipelined = maxPipelined;
        this.deadline = deadline;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        self = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        deadline.connected(ctx, this);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stopped = true; // the connection is gone: nothing buffered is a request anyone waits for
        super.channelInactive(ctx);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // Netty would pass on a head cut short by the close as a failed request: nobody to answer.
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            headStarted = true;
        }
        reading = true;
        try {
            super.channelRead(ctx, msg);
        } finally {
            reading = false;
        }
        settle(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        drain(ctx);
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        resumeIfOpen(ctx);
        super.channelWritabilityChanged(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (stopped) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int before = out.size();
        super.decode(ctx, in, out);
        for (int i = out.size() - 1; i >= before; i--) {
            Object message = out.get(i);
            if (message instanceof HttpRequest request) {
                passingOn(ctx, request);
                headStarted = in.isReadable();
            } else {
                // The end of a body-less request (or content, which a refused request never gets to).
                out.remove(i);
                ReferenceCountUtil.release(message);
            }
        }
    }

    private void passingOn(ChannelHandlerContext ctx, HttpRequest request) {
        outstanding++;
        decoded++;
        if (request.decoderResult().isSuccess()) {
            Optional<String> problem = RequestFraming.problem(request);
            if (problem.isPresent()) {
                request.setDecoderResult(DecoderResult.failure(new BadFramingException(problem.get())));
            }
        }
        if (request.decoderResult().isFailure()) {
            stopped = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** A request's answer was written (called on this connection's event loop). */
    void answered() {
        outstanding--;
        if (!reading) {
            resumeIfOpen(self);
        }
    }

    /** May this connection take another request now? */
    private boolean open(ChannelHandlerContext ctx) {
        return !stopped && outstanding < maxPipelined && ctx.channel().isWritable();
    }

    /** Decodes what is already buffered, one request at a time, while the connection may take more. */
    private void drain(ChannelHandlerContext ctx) throws Exception {
        while (open(ctx) && internalBuffer().isReadable()) {
            long before = decoded;
            reading = true;
            try {
                super.channelRead(ctx, Unpooled.EMPTY_BUFFER);
            } finally {
                reading = false;
            }
            if (decoded == before) {
                break; // only part of a head is buffered
            }
        }
        settle(ctx);
    }

    /** After decoding: stop reading if the connection may take no more; note where the next head stands. */
    private void settle(ChannelHandlerContext ctx) {
        if (!stopped && !paused && !open(ctx)) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            metrics.readPaused(outstanding >= maxPipelined ? Metrics.Pause.MAX_PIPELINED_REQUESTS : Metrics.Pause.UNWRITABLE);
        }
        deadline.decoded(headStarted, decoded);
    }

    private void resumeIfOpen(ChannelHandlerContext ctx) {
        if (!paused || !open(ctx)) {
            return;
        }
        paused = false;
        try {
            drain(ctx);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
            return;
        }
        if (!paused && !stopped) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Not reading for now (back-pressure), or never again (refused): the head deadline does not run. */
    boolean isWaitingForUs() {
        return paused || stopped;
    }

    /** A request framed as no gateway frames one; answered 400 like any undecodable request. */
    static final class BadFramingException extends Exception {
        BadFramingException(String message) {
            super(message, null, false, false);
        }
    }
}

package io.authgate.forwardauth;

import io.authgate.core.headers.Header;
import io.authgate.core.headers.HeaderValues;
import io.authgate.core.headers.IdentityHeaders;
import io.authgate.core.Decision;
import io.authgate.core.Denials;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writing answers: always a length, never a chunked body, keep-alive unless asked otherwise, and
 * always a {@code Cache-Control}: an allow says how long a gateway cache may reuse it
 * ({@link AnswerCaching}); everything else is {@code no-store}. No answer carries {@code Set-Cookie}
 * (the core keeps Authgear's out, {@code ResolverAnswer}), which nginx would refuse to cache anyway.
 */
final class Responses {
    private static final AsciiString ZERO = AsciiString.cached("0");
    private static final AsciiString NO_STORE = AsciiString.cached(AnswerCaching.NO_STORE);
    private static final byte[] OK_STATUS_LINE = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_BODY_END = "content-length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private Responses() {
    }

    /**
     * 200 with the identity headers. The common case, a kept-alive connection and headers that encode
     * as they are, is written as bytes built once per session ({@link IdentityHeaders#http1FieldLines})
     * from the request decoder's place in the pipeline, which is past the response encoder: the same
     * bytes the encoder would write, without building and encoding a response object per request.
     * HEAD gets the same answer, which has no body.
     *
     * @param maxAgeSeconds    the answer's {@code max-age}, 0 for {@code no-store}
     * @param cacheControlLine the same as a field line, {@code cache-control: ...\r\n}
     */
    static void allow(ChannelHandlerContext ctx, boolean keepAlive, boolean head, IdentityHeaders headers,
                      int maxAgeSeconds, byte[] cacheControlLine) {
        byte[] lines = keepAlive ? headers.http1FieldLines() : null;
        if (lines == null) {
            List<Header> all = new ArrayList<>(headers.asList());
            all.add(new Header(HttpHeaderNames.CACHE_CONTROL.toString(), AnswerCaching.value(maxAgeSeconds)));
            send(ctx, keepAlive, head, 200, all, "");
            return;
        }
        ChannelHandlerContext wire = ctx.pipeline().context(ForwardAuthServer.DECODER);
        if (wire == null) {
            // The connection closed while the decision was pending: nobody to answer.
            return;
        }
        ByteBuf out = ctx.alloc().ioBuffer(OK_STATUS_LINE.length + lines.length + cacheControlLine.length + EMPTY_BODY_END.length);
        out.writeBytes(OK_STATUS_LINE).writeBytes(lines).writeBytes(cacheControlLine).writeBytes(EMPTY_BODY_END);
        wire.writeAndFlush(out);
    }

    static void send(ChannelHandlerContext ctx, boolean keepAlive, boolean head, int status, List<Header> headers, String body) {
        FullHttpResponse response;
        try {
            response = build(status, headers, body, head);
        } catch (IllegalArgumentException e) {
            // A header value that is not safe to write (a control character or a lone surrogate: the
            // core never lets one through, this is the second line of defence). Fail closed,
            // without the value.
            Decision.Deny error = Denials.INTERNAL_ERROR;
            response = build(error.status(), error.headers(), error.body(), head);
            body = error.body();
        }
        if (body == null || body.isEmpty()) {
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, ZERO);
        } else {
            // For HEAD too: the length a GET would have had.
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.getBytes(StandardCharsets.UTF_8).length);
        }
        if (!response.headers().contains(HttpHeaderNames.CACHE_CONTROL)) {
            // A denial, an error, a 404: for the credentials' and the route's state now, nothing to reuse.
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, NO_STORE);
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Header names and values validated: nothing a value holds can become a header of its own. Values
     * go in as their UTF-8 bytes ({@link HeaderValues#utf8}), the bytes the pre-encoded answer and the
     * APISIX runner write: given a String, Netty's encoder would write each char's low byte (or
     * {@code ?}), ISO-8859-1 at best.
     */
    private static FullHttpResponse build(int status, List<Header> headers, String body, boolean head) {
        ByteBuf content = body == null || body.isEmpty() || head
                ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content, true);
        try {
            for (int i = 0; i < headers.size(); i++) {
                Header h = headers.get(i);
                response.headers().add(h.name(), new AsciiString(HeaderValues.utf8(h.value()), false));
            }
        } catch (IllegalArgumentException e) {
            response.release();
            throw e;
        }
        return response;
    }

    static final List<Header> TEXT = List.of(new Header("content-type", "text/plain; charset=utf-8"));

    static void text(ChannelHandlerContext ctx, boolean keepAlive, int status, String body) {
        send(ctx, keepAlive, false, status, TEXT, body);
    }

    /** The 4xx for a request Netty could not parse ({@code decoderResult().cause()}): 431, 414, 413 past a bound, else 400. */
    static int unparsable(Throwable cause) {
        return cause instanceof TooLongHttpHeaderException ? 431
                : cause instanceof TooLongHttpLineException ? 414
                : cause instanceof TooLongFrameException ? 413 : 400;
    }
}

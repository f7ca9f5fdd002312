package io.authgate.forwardauth;

import io.authgate.core.headers.Header;
import io.authgate.core.headers.IdentityHeaders;
import io.authgate.core.headers.SessionClaims;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pre-encoded 200 (Responses.allow) is byte for byte what Netty's encoder writes for the same
 * response, and it leaves the pipeline without passing the encoder.
 */
class PreEncodedAnswerTest {
    private static final IdentityHeaders SESSION = IdentityHeaders.validSession(new SessionClaims(
            "c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11", false, true, true, List.of("admin", "editor"), List.of("pwd", "mfa"), 1136171045L));

    private static final int MAX_AGE = 5;
    private static final byte[] MAX_AGE_LINE = AnswerCaching.defaults().fieldLines()[MAX_AGE];

    /** Writes what the handler is told to, as DecisionHandler does, in the decision port's pipeline. */
    private static String answer(boolean keepAlive, boolean head, IdentityHeaders headers) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline()
                .addLast(ForwardAuthServer.DECODER, new HttpRequestDecoder())
                .addLast(new HttpResponseEncoder())
                .addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        // no-op: EmbeddedChannel is active at once
                    }
                });
        ChannelHandlerContext handlerCtx = channel.pipeline().lastContext();
        Responses.allow(handlerCtx, keepAlive, head, headers, MAX_AGE, MAX_AGE_LINE);
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        ByteBuf written;
        while ((written = channel.readOutbound()) != null) {
            out.append(written.toString(StandardCharsets.ISO_8859_1));
            written.release();
        }
        channel.finishAndReleaseAll();
        return out.toString();
    }

    /** What the encoder writes for the same response (Responses.send, the general path). */
    private static String encoded(IdentityHeaders headers) {
        List<Header> all = new ArrayList<>(headers.asList());
        all.add(new Header("cache-control", "max-age=" + MAX_AGE));
        return sent(all);
    }

    /** What Responses.send writes for a 200 with these headers, one char per byte. */
    private static String sent(List<Header> headers) {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpResponseEncoder(), new ChannelInboundHandlerAdapter());
        Responses.send(channel.pipeline().lastContext(), true, false, 200, headers, "");
        StringBuilder out = new StringBuilder();
        ByteBuf written;
        while ((written = channel.readOutbound()) != null) {
            out.append(written.toString(StandardCharsets.ISO_8859_1));
            written.release();
        }
        channel.finishAndReleaseAll();
        return out.toString();
    }

    @Test
    void theCachedAnswerIsExactlyWhatTheEncoderWrites() {
        String fast = answer(true, false, SESSION);
        assertThat(fast).startsWith("HTTP/1.1 200 OK\r\nx-authgear-session-valid: true\r\n").endsWith("\r\ncache-control: max-age=5\r\ncontent-length: 0\r\n\r\n");
        assertThat(fast).isEqualTo(encoded(SESSION));
    }

    @Test
    void noSessionIsAnEmpty200() {
        assertThat(answer(true, false, IdentityHeaders.NONE)).isEqualTo("HTTP/1.1 200 OK\r\ncache-control: max-age=5\r\ncontent-length: 0\r\n\r\n");
    }

    @Test
    void headGetsTheSameAnswer() {
        assertThat(answer(true, true, SESSION)).isEqualTo(answer(true, false, SESSION));
    }

    @Test
    void aClosingConnectionTakesTheEncoderAndSaysClose() {
        assertThat(answer(false, false, SESSION)).contains("\r\nconnection: close\r\n").contains("x-authgear-user-roles: admin,editor\r\n")
                .contains("\r\ncache-control: max-age=5\r\n");
    }

    @Test
    void aConnectionClosedBeforeTheAnswerGetsNothingAndLeaksNothing() {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpResponseEncoder(), new ChannelInboundHandlerAdapter());
        // No decoder in the pipeline any more: what a channel that closed while its decision was
        // pending looks like.
        Responses.allow(channel.pipeline().lastContext(), true, false, SESSION, MAX_AGE, MAX_AGE_LINE);
        assertThat((Object) channel.readOutbound()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void aValueNettyRefusesIsA500NeverAHeaderOfItsOwn() {
        assertThat(sent(List.of(new Header("x-authgear-user-roles", "x\r\nx-authgear-user-id: victim"))))
                .startsWith("HTTP/1.1 500 ").doesNotContain("victim").contains("\r\ncache-control: no-store\r\n");
    }

    @Test
    void everyAnswerButAnAllowIsNoStore() {
        assertThat(sent(List.of(new Header("www-authenticate", "Bearer")))).contains("\r\ncache-control: no-store\r\n");
        assertThat(sent(List.of())).as("even a 200 sent without saying").contains("\r\ncache-control: no-store\r\n");
    }

    @Test
    void textThatIsNotAsciiIsWrittenAsItsUtf8BytesOnEveryPath() {
        String user = "caf\u00e9-\u7528\u6237-\ud83d\ude00";
        IdentityHeaders odd = IdentityHeaders.validSession(new SessionClaims(user, false, true, true, List.of("r\u00f4le"), List.of(), 0));
        // the answers are read one char per byte: this is the user id's UTF-8, byte for byte
        String utf8 = new String(user.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertThat(odd.http1FieldLines()).isNotNull();
        String preEncoded = answer(true, false, odd);
        assertThat(preEncoded).startsWith("HTTP/1.1 200 OK\r\n").contains("x-authgear-user-id: " + utf8 + "\r\n");
        assertThat(preEncoded).as("the encoder's path writes the same bytes").isEqualTo(encoded(odd));
        assertThat(answer(false, false, odd)).as("so does a closing answer, which takes the encoder")
                .contains("x-authgear-user-id: " + utf8 + "\r\n").contains("connection: close");
    }

    @Test
    void aValueWithALoneSurrogateIsA500NeverAQuestionMark() {
        assertThat(sent(List.of(new Header("x-authgear-user-id", "victim\ud800")))).startsWith("HTTP/1.1 500 ").doesNotContain("victim");
    }
}

package io.authgate.forwardauth;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision port's decoder on Netty's EmbeddedChannel: what reaches the handler behind it, when
 * it stops reading and when it reads again, and the head deadline on a frozen clock. The real
 * process, sockets and gateways are in the ITs (BadInputIT, SlowClientsIT, ConnectionLimitsIT).
 */
class DecisionRequestDecoderTest {
    private static final String GET = "GET /_resolver/resolve HTTP/1.1\r\nHost: x\r\n\r\n";

    private final Metrics metrics = new Metrics();
    private final List<Object> received = new ArrayList<>();
    /** The head deadline's clock, moved together with the channel's frozen one ({@link #advance}). */
    private final AtomicLong clock = new AtomicLong();

    /** Records what it is handed; answers only when told (or at once, with {@code answerAtOnce}). */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final boolean answerAtOnce;

        Handler(boolean answerAtOnce) {
            this.answerAtOnce = answerAtOnce;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received.add(msg);
            ReferenceCountUtil.release(msg);
            if (answerAtOnce) {
                ctx.write(Unpooled.wrappedBuffer(new byte[256])); // not flushed: stays in the outbound buffer
                decoder(ctx.channel()).answered();
            }
        }
    }

    private EmbeddedChannel channel(int maxPipelined, boolean answerAtOnce) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(ForwardAuthServer.DECODER, new DecisionRequestDecoder(maxPipelined,
                new HeadDeadline(Duration.ofSeconds(10), metrics, clock::get), metrics));
        ch.pipeline().addLast(new Handler(answerAtOnce));
        ch.pipeline().fireChannelActive();
        return ch;
    }

    private static DecisionRequestDecoder decoder(io.netty.channel.Channel ch) {
        return (DecisionRequestDecoder) ch.pipeline().get(ForwardAuthServer.DECODER);
    }

    private static void answerOne(EmbeddedChannel ch) {
        decoder(ch).answered();
        ch.runPendingTasks();
    }

    private void advance(EmbeddedChannel ch, long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    private static void send(EmbeddedChannel ch, String raw) {
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    }

    private long headTimeouts() {
        return Math.round(metric("authgate_connections_closed_total{reason=\"request_head_timeout\"}"));
    }

    private double metric(String series) {
        return metrics.render().lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow();
    }

    @Test
    void onlyRequestHeadsArePassedOn() {
        EmbeddedChannel ch = channel(16, false);
        send(ch, GET);
        assertThat(received).hasSize(1).allMatch(m -> m instanceof HttpRequest);
        assertThat(((HttpRequest) received.get(0)).decoderResult().isSuccess()).isTrue();
    }

    @Test
    void atTheCapNothingMoreIsDecodedUntilAnAnswerIsWritten() {
        EmbeddedChannel ch = channel(2, false);
        send(ch, GET.repeat(5));
        assertThat(received).as("two outstanding at most").hasSize(2);
        assertThat(ch.config().isAutoRead()).as("the socket is not read meanwhile").isFalse();
        answerOne(ch);
        assertThat(received).hasSize(3);
        assertThat(ch.config().isAutoRead()).isFalse();
        answerOne(ch);
        answerOne(ch);
        answerOne(ch);
        assertThat(received).as("the last buffered one").hasSize(5);
        answerOne(ch);
        assertThat(ch.config().isAutoRead()).as("reading again once answers drained").isTrue();
        // Paused at two outstanding, and again each time an answer let one more in.
        assertThat(metric("authgate_connection_read_pauses_total{reason=\"max_pipelined_requests\"}")).isEqualTo(4);
    }

    @Test
    void whileAnswersWaitUnreadNothingMoreIsDecoded() {
        EmbeddedChannel ch = channel(16, true);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(64, 128));
        send(ch, GET.repeat(4));
        ch.runPendingTasks();
        assertThat(received).as("the first answer (256 bytes, unflushed) is over the high-water mark").hasSize(1);
        assertThat(ch.isWritable()).isFalse();
        assertThat(ch.config().isAutoRead()).isFalse();
        for (int expected = 2; expected <= 4; expected++) {
            ch.flush(); // the client read the answers: writable again
            ch.runPendingTasks();
            assertThat(received).hasSize(expected);
        }
        ch.flush();
        ch.runPendingTasks();
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(metric("authgate_connection_read_pauses_total{reason=\"unwritable\"}")).isEqualTo(4);
        ch.finishAndReleaseAll();
    }

    @Test
    void aRefusedRequestIsTheLastOneDecoded() {
        EmbeddedChannel ch = channel(16, false);
        send(ch, "GET /_resolver/resolve HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + GET);
        assertThat(received).hasSize(1);
        HttpRequest refused = (HttpRequest) received.get(0);
        assertThat(refused.decoderResult().cause()).isInstanceOf(DecisionRequestDecoder.BadFramingException.class)
                .hasMessageContaining("Transfer-Encoding");
        answerOne(ch);
        send(ch, GET);
        assertThat(received).as("nothing after the refused head, even once it is answered").hasSize(1);
        assertThat(ch.config().isAutoRead()).isFalse();
    }

    @Test
    void aHeadMustBeCompleteWithinTheDeadlineOfItsFirstByte() {
        EmbeddedChannel ch = channel(16, false);
        send(ch, GET);
        answerOne(ch);
        advance(ch, 30_000);
        assertThat(ch.isActive()).as("idle between requests: no head is awaited").isTrue();

        send(ch, "GET /_resolver/resolve HTTP/1.1\r\n");
        for (int i = 0; i < 9; i++) {
            advance(ch, 1_000);
            send(ch, "X-Slow: a\r\n"); // a line a second: each would reset an idle timeout
        }
        assertThat(ch.isActive()).as("9 s into the head").isTrue();
        advance(ch, 1_100);
        assertThat(ch.isActive()).as("10.1 s into the head").isFalse();
        assertThat(headTimeouts()).isEqualTo(1);
        assertThat(received).hasSize(1);
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheDeadline() {
        EmbeddedChannel ch = channel(16, false);
        advance(ch, 9_900);
        assertThat(ch.isActive()).isTrue();
        advance(ch, 200);
        assertThat(ch.isActive()).isFalse();
        assertThat(headTimeouts()).isEqualTo(1);
    }

    @Test
    void timeSpentNotReadingDoesNotCount() {
        EmbeddedChannel ch = channel(1, false);
        send(ch, GET + "GET /_resolver/resolve HTTP/1.1\r\n"); // the second head half here, then paused
        assertThat(received).hasSize(1);
        advance(ch, 60_000);
        assertThat(ch.isActive()).as("paused for a minute by the adapter, not the client").isTrue();
        answerOne(ch);
        send(ch, "Host: x\r\n\r\n");
        assertThat(received).hasSize(2);
        assertThat(headTimeouts()).isZero();
    }
}

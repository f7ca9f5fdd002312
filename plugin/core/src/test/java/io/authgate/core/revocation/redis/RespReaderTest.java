package io.authgate.core.revocation.redis;

import io.authgate.core.RevocationFeedFailure;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class RespReaderTest {
    private static final long MAX = 64 * 1024;

    @Test
    void readsEveryRespTwoType() throws Exception {
        Reply reply = reader("*5\r\n+OK\r\n-ERR no\r\n:42\r\n$3\r\na\r\n\r\n*-1\r\n").read();

        assertThat(reply).isInstanceOf(Reply.Array.class);
        List<Reply> items = ((Reply.Array) reply).items();
        assertThat(items.get(0)).isEqualTo(new Reply.Simple("OK"));
        assertThat(items.get(1)).isEqualTo(new Reply.Error("ERR no"));
        assertThat(items.get(2)).isEqualTo(new Reply.Integer(42));
        assertThat(((Reply.Bulk) items.get(3)).bytes()).containsExactly('a', '\r', '\n');
        assertThat(items.get(4)).isEqualTo(Reply.Nil.NIL);
    }

    @Test
    void aBulkLengthAboveTheBoundIsRefusedBeforeAnythingIsAllocated() {
        assertTooLarge(endless("$1000000000\r\n", 'a'));
        assertTooLarge(endless("$" + Long.MAX_VALUE + "\r\n", 'a'));
    }

    @Test
    void manySmallBulksAddUpToTheBound() {
        // Each element is small; together they pass the bound: an array of a billion ":1" replies.
        assertTooLarge(repeating("*1000000000\r\n", ":1\r\n"));
    }

    @Test
    void aLineWithoutEndIsRefusedAtTheBound() {
        assertTooLarge(endless("+", 'a'));
    }

    @Test
    void deepNestingIsRefused() {
        assertThatThrownBy(() -> reader("*1\r\n".repeat(10_000) + ":1\r\n").read())
                .isInstanceOfSatisfying(RedisException.class, e -> assertThat(e.failure()).isEqualTo(RevocationFeedFailure.PROTOCOL));
    }

    @Test
    void aReplyOfExactlyTheBoundIsReadAndOneByteMoreIsNot() throws Exception {
        int body = (int) MAX - "$65526\r\n".length() - 2;
        String atBound = "$" + body + "\r\n" + "a".repeat(body) + "\r\n";
        assertThat(atBound).hasSize((int) MAX);
        assertThat(((Reply.Bulk) reader(atBound).read()).bytes()).hasSize(body);

        String over = "$" + (body + 1) + "\r\n" + "a".repeat(body + 1) + "\r\n";
        assertThatThrownBy(() -> reader(over).read())
                .isInstanceOfSatisfying(RedisException.class, e -> assertThat(e.failure()).isEqualTo(RevocationFeedFailure.TOO_LARGE));
    }

    @Test
    void garbageIsAProtocolError() {
        assertThatThrownBy(() -> reader("HTTP/1.1 400 Bad Request\r\n").read())
                .isInstanceOfSatisfying(RedisException.class, e -> assertThat(e.failure()).isEqualTo(RevocationFeedFailure.PROTOCOL));
        assertThatThrownBy(() -> reader("$-7\r\n").read())
                .isInstanceOfSatisfying(RedisException.class, e -> assertThat(e.failure()).isEqualTo(RevocationFeedFailure.PROTOCOL));
    }

    private static void assertTooLarge(InputStream in) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThatThrownBy(() -> new RespReader(in, MAX).read())
                        .isInstanceOfSatisfying(RedisException.class, e -> assertThat(e.failure()).isEqualTo(RevocationFeedFailure.TOO_LARGE)));
    }

    private static RespReader reader(String text) {
        return reader(text, MAX);
    }

    private static RespReader reader(String text, long max) {
        return new RespReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), max);
    }

    /** {@code head} then {@code fill} for ever, as fast as it is read: what a hostile server can send. */
    private static InputStream endless(String head, char fill) {
        return new SequenceInputStream(new ByteArrayInputStream(head.getBytes(StandardCharsets.ISO_8859_1)), new InputStream() {
            @Override
            public int read() {
                return fill;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) fill);
                return len;
            }
        });
    }

    private static InputStream repeating(String head, String unit) {
        byte[] u = unit.getBytes(StandardCharsets.ISO_8859_1);
        return new SequenceInputStream(new ByteArrayInputStream(head.getBytes(StandardCharsets.ISO_8859_1)), new InputStream() {
            private int i;

            @Override
            public int read() {
                return u[i++ % u.length];
            }
        });
    }
}

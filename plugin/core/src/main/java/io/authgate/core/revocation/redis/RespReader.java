package io.authgate.core.revocation.redis;

import io.authgate.core.RevocationFeedFailure;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RESP2 replies (the format is redis.io's "Redis serialization protocol specification";
 * lengths as Redis writes them in {@code addReplyBulkLen}/{@code addReplyArrayLen} of
 * {@code src/networking.c}). Every byte of one reply counts against {@code maxReplyBytes}, and a
 * length is checked against what is left before anything is allocated for it, so a broken or hostile
 * server cannot make us allocate more than the bound, however it lies about lengths. Nesting deeper
 * than the feed's replies ever go (XREAD: four levels) is refused rather than recursed into.
 */
final class RespReader {
    /** XREAD's reply is the deepest we read: streams, entries, an entry, its fields. */
    static final int MAX_DEPTH = 8;
    /** The smallest element of an array takes this many bytes ({@code :1\r\n} is four; {@code *0\r\n} too). */
    private static final int MIN_ELEMENT_BYTES = 4;

    private final InputStream in;
    private final long maxReplyBytes;
    private long left;

    RespReader(InputStream in, long maxReplyBytes) {
        this.in = in;
        this.maxReplyBytes = maxReplyBytes;
    }

    /** The next whole reply; {@link RedisException} of kind TOO_LARGE past the bound, PROTOCOL for anything not RESP2. */
    Reply read() throws IOException {
        left = maxReplyBytes;
        return value(0);
    }

    private Reply value(int depth) throws IOException {
        int type = next();
        String line = line();
        return switch (type) {
            case '+' -> new Reply.Simple(line);
            case '-' -> new Reply.Error(line);
            case ':' -> new Reply.Integer(number(line));
            case '$' -> bulk(number(line));
            case '*' -> array(number(line), depth);
            default -> throw protocol("a reply starting with byte " + type);
        };
    }

    private Reply bulk(long n) throws IOException {
        if (n == -1) {
            return Reply.Nil.NIL;
        }
        if (n < 0) {
            throw protocol("a negative bulk length");
        }
        if (n > left - 2) { // not take(n + 2): that overflows for a length near Long.MAX_VALUE
            throw tooLarge();
        }
        left -= n + 2;
        byte[] bytes = in.readNBytes((int) n);
        if (bytes.length < n) {
            throw new EOFException("connection closed mid-reply");
        }
        if (in.read() != '\r' || in.read() != '\n') {
            throw protocol("a bulk string not ended by CRLF");
        }
        return new Reply.Bulk(bytes);
    }

    private Reply array(long n, int depth) throws IOException {
        if (n == -1) {
            return Reply.Nil.NIL;
        }
        if (n < 0) {
            throw protocol("a negative array length");
        }
        if (depth >= MAX_DEPTH) {
            throw protocol("arrays nested deeper than " + MAX_DEPTH);
        }
        if (n > left / MIN_ELEMENT_BYTES) {
            throw tooLarge();
        }
        List<Reply> items = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            items.add(value(depth + 1));
        }
        return new Reply.Array(items);
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = next(); c != '\r'; c = next()) {
            b.append((char) c);
        }
        if (next() != '\n') {
            throw protocol("CR without LF");
        }
        return b.toString();
    }

    private int next() throws IOException {
        take(1);
        int c = in.read();
        if (c < 0) {
            throw new EOFException("connection closed mid-reply");
        }
        return c;
    }

    private void take(long bytes) throws RedisException {
        if (bytes > left) {
            throw tooLarge();
        }
        left -= bytes;
    }

    private RedisException tooLarge() {
        return new RedisException(RevocationFeedFailure.TOO_LARGE, "a reply larger than " + maxReplyBytes + " bytes");
    }

    private static long number(String line) throws RedisException {
        try {
            return Long.parseLong(line);
        } catch (NumberFormatException e) {
            throw protocol("a length or integer that is not a number");
        }
    }

    private static RedisException protocol(String what) {
        return new RedisException(RevocationFeedFailure.PROTOCOL, "not a Redis reply: " + what);
    }
}

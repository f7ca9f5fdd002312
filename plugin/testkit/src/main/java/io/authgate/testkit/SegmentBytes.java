package io.authgate.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * How one JWS segment's JSON text becomes the bytes that are base64url-encoded and signed: UTF-8 by
 * default (RFC 7519 §7.1), or written the way a hostile issuer might, so tests can sign exactly
 * those bytes with a real key.
 *
 * @param encoding      the charset the JSON text is written in ({@code UTF-8}, {@code UTF-16BE}, ...)
 * @param byteOrderMark when true, U+FEFF in that charset comes first
 * @param replace       byte surgery after encoding, each {@code [text, bytes]}: the first occurrence of
 *                      {@code text} (as UTF-8) is replaced by {@code bytes}, a string whose every char
 *                      is one byte (U+0000..U+00FF; in YAML {@code "\xC0\xAF"}). Only with UTF-8, and
 *                      the text must occur: a recipe that changes nothing fails rather than testing
 *                      nothing.
 */
public record SegmentBytes(String encoding, boolean byteOrderMark, List<List<String>> replace) {
    public static final SegmentBytes UTF8 = new SegmentBytes("UTF-8", false, List.of());

    public SegmentBytes {
        Charset.forName(encoding); // an unknown charset fails when the table is read
        replace = List.copyOf(replace.stream().map(List::copyOf).toList());
        for (List<String> pair : replace) {
            if (pair.size() != 2) {
                throw new IllegalArgumentException("replace entries are [text, bytes] pairs: " + pair);
            }
            HeaderBytes.bytesOf(pair.get(1)); // fails on a char above U+00FF
        }
        if (!replace.isEmpty() && !Charset.forName(encoding).equals(StandardCharsets.UTF_8)) {
            throw new IllegalArgumentException("replace works on UTF-8 bytes; the encoding is " + encoding);
        }
    }

    public byte[] encode(String json) {
        Charset charset = Charset.forName(encoding);
        byte[] bytes = ((byteOrderMark ? "\uFEFF" : "") + json).getBytes(charset);
        for (List<String> pair : replace) {
            bytes = replaceFirst(bytes, pair.get(0).getBytes(StandardCharsets.UTF_8), HeaderBytes.bytesOf(pair.get(1)));
        }
        return bytes;
    }

    private static byte[] replaceFirst(byte[] in, byte[] find, byte[] with) {
        for (int i = 0; i + find.length <= in.length; i++) {
            if (Arrays.equals(in, i, i + find.length, find, 0, find.length)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + with.length);
                out.write(in, 0, i);
                out.write(with, 0, with.length);
                out.write(in, i + find.length, in.length - i - find.length);
                return out.toByteArray();
            }
        }
        throw new IllegalArgumentException("\"" + new String(find, StandardCharsets.UTF_8) + "\" does not occur in the segment");
    }
}

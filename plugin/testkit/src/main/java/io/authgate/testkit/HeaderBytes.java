package io.authgate.testkit;

import java.nio.charset.StandardCharsets;

/**
 * Header values as bytes, for test servers and clients that hold them as Java strings. The JDK's
 * HTTP server and client (and a plain ISO-8859-1 decode of a raw response) give one char per byte
 * (U+0000..U+00FF): the bytes, not the text. The text a backend reads from them is their UTF-8
 * decoding, which is what tests must compare, or a value written as ISO-8859-1 would pass for one
 * written as UTF-8.
 */
public final class HeaderBytes {
    private HeaderBytes() {
    }

    /**
     * The text of header bytes held one char per byte, decoded as UTF-8; a malformed sequence becomes
     * U+FFFD, which no expected value holds.
     */
    public static String utf8Text(String oneCharPerByte) {
        return new String(bytesOf(oneCharPerByte), StandardCharsets.UTF_8);
    }

    /** Bytes held one char per byte; a char above U+00FF is not a byte and fails. */
    public static byte[] bytesOf(String oneCharPerByte) {
        byte[] out = new byte[oneCharPerByte.length()];
        for (int i = 0; i < out.length; i++) {
            char c = oneCharPerByte.charAt(i);
            if (c > 0xff) {
                throw new IllegalArgumentException("U+" + Integer.toHexString(c) + " at " + i + " is not a byte");
            }
            out[i] = (byte) c;
        }
        return out;
    }

    /**
     * What a Go server writes for a Go string that holds this text: its UTF-8 bytes, one char per byte
     * (the form the JDK's server writes as they are). A lone surrogate, which UTF-8 cannot encode,
     * becomes the three bytes of its code point ({@code ED A0 80} for U+D800): not UTF-8, and bytes a
     * Go string can hold, since Go strings hold any bytes and Go's server writes them unchanged.
     */
    public static String goWireForm(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out.append((char) cp);
            } else if (cp < 0x800) {
                out.append((char) (0xc0 | cp >> 6)).append((char) (0x80 | cp & 0x3f));
            } else if (cp < 0x10000) {
                out.append((char) (0xe0 | cp >> 12)).append((char) (0x80 | cp >> 6 & 0x3f)).append((char) (0x80 | cp & 0x3f));
            } else {
                out.append((char) (0xf0 | cp >> 18)).append((char) (0x80 | cp >> 12 & 0x3f))
                        .append((char) (0x80 | cp >> 6 & 0x3f)).append((char) (0x80 | cp & 0x3f));
            }
        }
        return out.toString();
    }
}

package io.authgate.core.text;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Well-formed UTF-8 as the Unicode Standard defines it (§3.9, table 3-7): no overlong form, no
 * surrogate code point (U+D800..U+DFFF encoded as if it were a character), nothing above U+10FFFF,
 * no stray or missing continuation byte. Checked by hand, without allocating, because the JDK's
 * {@code new String(bytes, UTF_8)} replaces what is malformed and Jackson's byte reader decodes
 * overlong forms ({@code C0 AF} as {@code /}): either would let two different byte sequences read
 * as one string.
 */
public final class StrictUtf8 {
    private StrictUtf8() {
    }

    /** True when {@code bytes[from..to)} is well-formed UTF-8. */
    public static boolean isWellFormed(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int b = bytes[i] & 0xff;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length;
            int min2 = 0x80;
            int max2 = 0xbf;
            if (b >= 0xc2 && b <= 0xdf) {
                length = 2;
            } else if (b >= 0xe0 && b <= 0xef) {
                length = 3;
                if (b == 0xe0) {
                    min2 = 0xa0; // below: an overlong form
                } else if (b == 0xed) {
                    max2 = 0x9f; // above: a surrogate
                }
            } else if (b >= 0xf0 && b <= 0xf4) {
                length = 4;
                if (b == 0xf0) {
                    min2 = 0x90; // below: an overlong form
                } else if (b == 0xf4) {
                    max2 = 0x8f; // above: beyond U+10FFFF
                }
            } else {
                return false; // 80..C1 (a continuation byte, or an overlong lead) and F5..FF never start one
            }
            if (i + length > to) {
                return false;
            }
            int second = bytes[i + 1] & 0xff;
            if (second < min2 || second > max2) {
                return false;
            }
            for (int k = 2; k < length; k++) {
                int c = bytes[i + k] & 0xff;
                if (c < 0x80 || c > 0xbf) {
                    return false;
                }
            }
            i += length;
        }
        return true;
    }

    public static boolean isWellFormed(byte[] bytes) {
        return isWellFormed(bytes, 0, bytes.length);
    }

    /**
     * True when UTF-8 can encode the string exactly: no lone surrogate (a high one not followed by a
     * low one, or a low one alone), which Java strings can hold and {@code getBytes(UTF_8)} would
     * write as {@code ?}.
     */
    public static boolean isEncodable(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The text of bytes held one char per byte (as the JDK's HTTP client holds header values: it
     * reads each octet as the char of the same number, over HTTP/1.1 and in HPACK alike), or empty
     * when a char is not a byte or the bytes are not well-formed UTF-8.
     */
    public static Optional<String> decodeOctets(String oneCharPerByte) {
        int n = oneCharPerByte.length();
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            char c = oneCharPerByte.charAt(i);
            if (c > 0xff) {
                return Optional.empty();
            }
            ascii &= c < 0x80;
        }
        if (ascii) {
            return Optional.of(oneCharPerByte); // the common case: the same text, no copy
        }
        byte[] bytes = oneCharPerByte.getBytes(StandardCharsets.ISO_8859_1);
        return isWellFormed(bytes) ? Optional.of(new String(bytes, StandardCharsets.UTF_8)) : Optional.empty();
    }
}

package io.authgate.core.headers;

import io.authgate.core.text.StrictUtf8;

import java.nio.charset.StandardCharsets;

/**
 * What a header value may hold when authgate writes it, and how it is written: Unicode text (no lone
 * surrogate) without a control character but tab, written as its UTF-8 bytes, as Authgear's Go
 * server writes a string. Refused: C0 controls and DEL (RFC 9110 §5.5: a CR or LF would end the
 * line; Go's net/http, so Caddy and Traefik, refuses every one of them) and the C1 controls
 * U+0080..U+009F, control characters too (a backend reading the bytes as ISO-8859-1 would see, for
 * U+0085, a NEL: a line break to some parsers). Every other character is written as bytes
 * 0x20..0x7E, or 0x80..0xFF (obs-text, which nginx, Caddy, Traefik and APISIX pass on unchanged).
 */
public final class HeaderValues {
    private HeaderValues() {
    }

    /** True when the value is text of that kind. */
    public static boolean isSafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f)) {
                return false;
            }
        }
        return StrictUtf8.isEncodable(value);
    }

    /**
     * The bytes a front writes for this value.
     *
     * @throws IllegalArgumentException when the value is not {@link #isSafe safe} (the message does
     *                                  not hold the value, which may be a credential's)
     */
    public static byte[] utf8(String value) {
        if (!isSafe(value)) {
            throw new IllegalArgumentException("a header value with a control character or a lone surrogate");
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }
}

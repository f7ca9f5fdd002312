package io.authgate.forwardauth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The path a rule is matched against, in the form a backend will most likely act on: percent
 * escapes decoded (so {@code /%61dmin} is {@code /admin}), repeated slashes collapsed, and
 * {@code .} and {@code ..} segments resolved (RFC 3986 §5.2.4), and a segment's {@code ;params}
 * dropped (Tomcat, Jetty and Spring read {@code /admin;x} as {@code /admin}; a backend that keeps
 * them reads a different, longer name, never a path the rules did not cover: stripping is what the
 * backends that act on them do, refusing would break {@code ;jsessionid} URL rewriting). Without this, a rule on
 * {@code /admin} could be walked around by spelling the path differently.
 *
 * <p>Some spellings have no one reading: the gateways pass the raw path on, and backends differ on
 * whether {@code %2F} is a separator, whether {@code %2e%2e} or even {@code ..} is resolved, what
 * {@code \} is. {@link #ambiguous} names them, and rules never guess at them.
 */
final class PathNormalizer {
    private PathNormalizer() {
    }

    /** @return the normalized path, or {@code null} when the escapes are not valid UTF-8 */
    static String normalize(String rawPath) {
        String decoded = decode(rawPath);
        if (decoded == null) {
            return null;
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decoded.split("/+")) {
            segment = withoutParams(segment);
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        String joined = "/" + String.join("/", segments);
        boolean trailingSlash = decoded.endsWith("/") && !joined.equals("/");
        return trailingSlash ? joined + "/" : joined;
    }

    /**
     * Whether backends may read this raw path differently from {@link #normalize}: escapes that are
     * not UTF-8 (or not escapes), an encoded {@code /}, {@code \\} or {@code ;}, a {@code \\}, a control
     * character, or a {@code .} or {@code ..} segment, plain or encoded ({@code ..;x} included). Such a
     * path may name a place under a rule's prefix to the backend and outside it to the adapter.
     */
    static boolean ambiguous(String rawPath) {
        if (rawPath.indexOf('\\') >= 0) {
            return true;
        }
        String lower = rawPath.toLowerCase(java.util.Locale.ROOT);
        // An encoded ";": Tomcat strips ";params" before decoding, so to it "%3B" is a literal
        // character of the segment, while backends that decode first see a separator (Spring
        // Security's StrictHttpFirewall refuses it for the same reason).
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%3b")) {
            return true;
        }
        String decoded = decode(rawPath);
        if (decoded == null) {
            return true;
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        for (String segment : decoded.split("/")) {
            String s = withoutParams(segment);
            if (s.equals(".") || s.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** The segment without its {@code ;params}. */
    private static String withoutParams(String segment) {
        int semicolon = segment.indexOf(';');
        return semicolon < 0 ? segment : segment.substring(0, semicolon);
    }

    private static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '%') {
                return null;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

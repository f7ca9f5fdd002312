package io.authgate.testkit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code Cookie} request headers the way Go's {@code net/http} does (Authgear is written in Go),
 * so the stand-in picks the same cookie Authgear would when a request is odd: pairs split on
 * {@code ;}, spaces trimmed around pairs and names (not inside values), surrounding double quotes
 * stripped, pairs with an invalid name or value skipped, and the first occurrence of a name, across
 * all {@code Cookie} headers, wins.
 */
final class GoCookies {
    private static final String SEPARATORS = "()<>@,;:\\\"/[]?={} \t";

    private GoCookies() {
    }

    /** Cookie name → value, first occurrence of each name. */
    static Map<String, String> parse(List<String> cookieHeaders) {
        Map<String, String> cookies = new HashMap<>();
        if (cookieHeaders == null) {
            return cookies;
        }
        for (String line : cookieHeaders) {
            for (String part : line.split(";", -1)) {
                part = trim(part);
                if (part.isEmpty()) {
                    continue;
                }
                int eq = part.indexOf('=');
                String name = trim(eq < 0 ? part : part.substring(0, eq));
                String value = eq < 0 ? "" : part.substring(eq + 1);
                if (!isToken(name)) {
                    continue;
                }
                value = unquote(value);
                if (value == null) {
                    continue;
                }
                cookies.putIfAbsent(name, value);
            }
        }
        return cookies;
    }

    /** Go's {@code textproto.TrimString}: ASCII spaces and tabs (and CR/LF) at both ends. */
    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** An RFC 7230 token, as Go's {@code isCookieNameValid} requires. */
    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || SEPARATORS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code parseCookieValue}: strip one pair of surrounding quotes; {@code null} if invalid. */
    private static String unquote(String value) {
        if (value.length() > 1 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
            value = value.substring(1, value.length() - 1);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == ';' || c == '\\') {
                return null;
            }
        }
        return value;
    }
}

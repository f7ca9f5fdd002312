package io.authgate.apisix;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The request target rebuilt from what the runner gives: APISIX's decoded path and its query
 * arguments, escaped again (RFC 3986: a path keeps its unreserved characters, sub-delims, ":" "@"
 * and "/"; a query argument is form-escaped). For the login page's return URL only: it names the
 * same resource, not necessarily the same bytes.
 */
final class RequestTarget {
    private RequestTarget() {
    }

    static String of(String path, Map<String, String> args) {
        if (path == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(path.length() + 16);
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        char separator = '?';
        for (Map.Entry<String, String> a : args.entrySet()) {
            out.append(separator).append(URLEncoder.encode(a.getKey(), StandardCharsets.UTF_8));
            if (a.getValue() != null) {
                out.append('=').append(URLEncoder.encode(a.getValue(), StandardCharsets.UTF_8));
            }
            separator = '&';
        }
        return out.toString();
    }
}

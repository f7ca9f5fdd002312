package io.authgate.core.credentials;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds Authgear's session cookies in {@code Cookie} header values, in the order Authgear tries them
 * ({@code <prefix>app_session}, {@code <prefix>app_access_token}, {@code <prefix>session}). Like Go's
 * {@code http.Request.Cookie}, the first cookie of a name wins, across every {@code Cookie} line.
 */
public final class SessionCookies {
    private final List<String> names;

    public SessionCookies(List<String> namesInOrder) {
        this.names = List.copyOf(namesInOrder);
    }

    /** @param cookieHeaders every {@code Cookie} header value of the request, in order (may be empty) */
    public List<SessionCookie> find(List<String> cookieHeaders) {
        if (cookieHeaders.isEmpty()) {
            return List.of();
        }
        List<SessionCookie> found = new ArrayList<>(names.size());
        for (String name : names) {
            String value = firstValue(cookieHeaders, name);
            if (value != null && !value.isEmpty()) {
                found.add(new SessionCookie(name, value));
            }
        }
        return found;
    }

    private static String firstValue(List<String> cookieHeaders, String name) {
        for (String header : cookieHeaders) {
            if (header == null) {
                continue;
            }
            for (String pair : header.split(";")) {
                String p = pair.strip();
                int eq = p.indexOf('=');
                if (eq == name.length() && p.startsWith(name)) {
                    return unquote(p.substring(eq + 1));
                }
            }
        }
        return null;
    }

    /** RFC 6265 allows a cookie value in double quotes; Go strips them. */
    private static String unquote(String value) {
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}

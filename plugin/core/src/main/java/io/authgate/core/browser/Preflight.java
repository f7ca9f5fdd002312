package io.authgate.core.browser;

import io.authgate.core.BrowserRequest;
import io.authgate.core.GatewayRequest;

/**
 * A CORS preflight (Fetch standard, "CORS-preflight request"): {@code OPTIONS} with an
 * {@code Origin} and an {@code Access-Control-Request-Method}, and never credentials (a browser
 * sends neither cookies nor Authorization on one). A request with credentials, without either
 * header, or with another method is not one, and is resolved like any other.
 */
public final class Preflight {
    /** Longer than any method name a browser sends; the header is bounded by the gateway anyway. */
    private static final int MAX_METHOD_LENGTH = 32;

    private Preflight() {
    }

    public static boolean is(BrowserRequest r, GatewayRequest credentials) {
        return "OPTIONS".equals(r.method())
                && r.origin() != null && !r.origin().isEmpty()
                && isToken(r.accessControlRequestMethod())
                && credentials.authorization() == null && credentials.cookieHeaders().isEmpty();
    }

    /** An RFC 9110 method token. */
    private static boolean isToken(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_METHOD_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }
}

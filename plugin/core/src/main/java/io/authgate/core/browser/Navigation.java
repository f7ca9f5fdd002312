package io.authgate.core.browser;

import io.authgate.core.BrowserRequest;

import java.util.Locale;

/**
 * Whether a request looks like a browser loading a page, so that without a session it gets the login
 * page rather than a 401. The rule, from Authelia (its authz handler answers 401 rather than a
 * redirect to an XHR, {@code X-Requested-With: XMLHttpRequest}, or to a request whose Accept does not
 * take {@code text/html}) and the Fetch metadata a browser adds ({@code Sec-Fetch-Mode: navigate}
 * on a navigation, {@code cors}/{@code no-cors}/{@code same-origin} on {@code fetch()}):
 *
 * <ul>
 *   <li>the method is {@code GET} or {@code HEAD};</li>
 *   <li>there is no {@code X-Requested-With} (jQuery and most XHR wrappers send it);</li>
 *   <li>{@code Sec-Fetch-Mode}, when sent, is {@code navigate};</li>
 *   <li>{@code Accept} prefers HTML: {@code text/html} (or {@code application/xhtml+xml}) with a
 *       q-value above 0 and at least as high as any other range's, {@code *}{@code /*} included.
 *       A browser's navigation sends {@code text/html,...,*}{@code /*;q=0.8}; {@code fetch()} and
 *       most API clients send {@code *}{@code /*} or {@code application/json}, or none.</li>
 * </ul>
 *
 * Everything else is an API request and keeps its RFC 6750/9470 challenge. An Accept longer than
 * {@link #MAX_ACCEPT_LENGTH} is not read (an API answer, not a guess).
 */
public final class Navigation {
    public static final int MAX_ACCEPT_LENGTH = 2048;

    private Navigation() {
    }

    public static boolean is(BrowserRequest r) {
        return ("GET".equals(r.method()) || "HEAD".equals(r.method()))
                && r.requestedWith() == null
                && (r.secFetchMode() == null || "navigate".equalsIgnoreCase(r.secFetchMode().trim()))
                && prefersHtml(r.accept());
    }

    static boolean prefersHtml(String accept) {
        if (accept == null || accept.length() > MAX_ACCEPT_LENGTH) {
            return false;
        }
        double html = 0;
        double other = 0;
        for (String range : accept.split(",")) {
            int semicolon = range.indexOf(';');
            String type = (semicolon < 0 ? range : range.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
            if (type.isEmpty()) {
                continue;
            }
            double q = semicolon < 0 ? 1 : quality(range.substring(semicolon + 1));
            if (type.equals("text/html") || type.equals("application/xhtml+xml")) {
                html = Math.max(html, q);
            } else {
                other = Math.max(other, q);
            }
        }
        return html > 0 && html >= other;
    }

    /** The {@code q} parameter (RFC 9110 §12.4.2): 1 when absent, 0 when unreadable (an unreadable weight never wins). */
    private static double quality(String params) {
        for (String p : params.split(";")) {
            String t = p.trim();
            if (t.length() > 2 && (t.charAt(0) == 'q' || t.charAt(0) == 'Q') && t.charAt(1) == '=') {
                String v = t.substring(2).trim();
                if (!v.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
                    return 0;
                }
                return Double.parseDouble(v);
            }
        }
        return 1;
    }
}

package io.authgate.core.browser;

import io.authgate.core.BrowserRequest;

import io.authgate.core.config.BrowserSettings;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The URL the client asked for, rebuilt from what the gateway says (scheme, host, request target),
 * for the login page to send the user back to; only when its origin is one the route allows, so a
 * Location never names a place the operator did not (no open redirect through a forged Host).
 */
public final class OriginalUrl {
    /** Longer request targets are not carried: browsers and login pages cut URLs near 2-8 KiB. */
    public static final int MAX_URI_LENGTH = 4096;

    private OriginalUrl() {
    }

    public static Optional<String> of(BrowserRequest r, Set<String> allowedOrigins) {
        if (r.host() == null || r.uri() == null || !isPathAndQuery(r.uri())) {
            return Optional.empty();
        }
        if (r.scheme() == null) {
            // The gateway does not say (APISIX's runner): the allowed origin for this host, https first.
            return allowed("https", r.host(), allowedOrigins).or(() -> allowed("http", r.host(), allowedOrigins)).map(o -> o + r.uri());
        }
        String scheme = r.scheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https"))) {
            return Optional.empty();
        }
        return allowed(scheme, r.host(), allowedOrigins).map(o -> o + r.uri());
    }

    private static Optional<String> allowed(String scheme, String host, Set<String> allowedOrigins) {
        return origin(scheme, host).filter(allowedOrigins::contains);
    }

    /** A request target in origin form: "/" then visible ASCII only (no "//", which names a host), bounded. */
    private static boolean isPathAndQuery(String uri) {
        if (uri.isEmpty() || uri.length() > MAX_URI_LENGTH || uri.charAt(0) != '/' || uri.startsWith("//")) {
            return false;
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '#') {
                return false;
            }
        }
        return true;
    }

    /** {@code host[:port]} (a DNS name or a bracketed IPv6 literal) as an origin, or empty when it is not one. */
    private static Optional<String> origin(String scheme, String hostAndPort) {
        String host = hostAndPort;
        int port = -1;
        int colon = hostAndPort.lastIndexOf(':');
        if (colon > 0 && hostAndPort.indexOf(']', colon) < 0) {
            String digits = hostAndPort.substring(colon + 1);
            if (!digits.matches("[0-9]{1,5}") || Integer.parseInt(digits) > 65535) {
                return Optional.empty();
            }
            port = Integer.parseInt(digits);
            host = hostAndPort.substring(0, colon);
        }
        if (!host.matches("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]")) {
            return Optional.empty();
        }
        return Optional.of(BrowserSettings.originOf(scheme, host, port));
    }
}

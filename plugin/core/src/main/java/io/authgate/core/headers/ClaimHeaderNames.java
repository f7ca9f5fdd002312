package io.authgate.core.headers;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@code claims_to_headers} header name may be: an HTTP field name (RFC 9110 §5.1, a token),
 * at most {@link #MAX_LENGTH} characters and {@link #MAX_SEPARATORS} separators, outside Authgear's {@code x-authgear-} family in every
 * spelling (that family is the contract's), and none of the names that frame a request or carry a
 * credential, or that authgate's own answers set.
 */
public final class ClaimHeaderNames {
    public static final int MAX_LENGTH = 64;
    /**
     * At most this many {@code -} or {@code _}: a front that cannot see every request line deletes
     * each spelling of each name ({@code -} or {@code _} at each), 2^n of them.
     */
    public static final int MAX_SEPARATORS = 6;

    /** Names a claim must never set: framing, routing, credentials, and what an allow answer carries. */
    private static final Set<String> RESERVED = Set.of(
            "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer",
            "proxy-connection", "proxy-authorization", "proxy-authenticate", "authorization", "cookie", "set-cookie",
            "www-authenticate", "cache-control", "content-type", "content-encoding", "expect", "forwarded",
            "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-uri", "x-forwarded-method",
            "x-original-uri", "x-original-method", "x-real-ip", "location");

    private ClaimHeaderNames() {
    }

    /** Why this name cannot be configured, or empty when it can (the name as written, any case). */
    public static Optional<String> problem(String name) {
        if (name.isEmpty() || name.length() > MAX_LENGTH) {
            return Optional.of("must be a header name of 1 to " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                return Optional.of("is not an HTTP header name (RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~)");
            }
        }
        if (name.chars().filter(c -> c == '-' || c == '_').count() > MAX_SEPARATORS) {
            return Optional.of("has more than " + MAX_SEPARATORS + " - or _ (each spelling of the name is deleted from requests: 2^n of them)");
        }
        if (IdentityHeaderNames.isIdentityHeader(name)) {
            return Optional.of("is in the x-authgear- family (any case, - or _), which only Authgear's contract headers use");
        }
        if (RESERVED.contains(folded(name))) {
            return Optional.of("frames the request, carries a credential, or is set by authgate's answer: pick another name");
        }
        return Optional.empty();
    }

    /** The name as stored and written: lower case, like the contract's names. */
    public static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Lower case with {@code _} as {@code -}: two names with the same folded form are one header to some reader. */
    public static String folded(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@link #folded} equality, without allocating (on the request path). */
    static boolean sameHeader(String configured, String client) {
        if (client == null || configured.length() != client.length()) {
            return false;
        }
        for (int i = 0; i < configured.length(); i++) {
            if (fold(configured.charAt(i)) != fold(client.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char fold(char c) {
        if (c == '_') {
            return '-';
        }
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}

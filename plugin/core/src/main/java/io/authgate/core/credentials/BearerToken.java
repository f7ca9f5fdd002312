package io.authgate.core.credentials;

/**
 * Reads the bearer token out of an {@code Authorization} header value exactly as Authgear does:
 * split at the first space, compare the scheme {@code bearer} case-insensitively, take the rest
 * untrimmed. Other schemes carry no Authgear credential.
 */
public final class BearerToken {
    private static final String SCHEME = "bearer";

    private BearerToken() {
    }

    /** @return the token, or {@code null} when the header is absent, of another scheme, or empty */
    public static String from(String authorization) {
        if (authorization == null) {
            return null;
        }
        int space = authorization.indexOf(' ');
        if (space != SCHEME.length() || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        return space + 1 == authorization.length() ? null : authorization.substring(space + 1);
    }
}

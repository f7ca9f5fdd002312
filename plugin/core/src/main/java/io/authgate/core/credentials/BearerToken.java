package io.authgate.core.credentials;

/**
 * The bearer token of an {@code Authorization} header value, read exactly as Authgear does: split at
 * the first space, compare the scheme {@code bearer} case-insensitively, take the rest untrimmed.
 * Other schemes carry no Authgear credential. The token is not copied out of the header (at ~1 KiB,
 * the copy was most of what a cached hit allocated): it is the header from {@link #start()} on, and
 * {@link #value()} copies it only where a string of its own is needed (a cache miss, a call to Authgear).
 */
public final class BearerToken {
    private static final String SCHEME = "bearer";

    /** No bearer token: no header, another scheme, or nothing after the scheme. */
    public static final BearerToken NONE = new BearerToken("", 0);

    private final String header;
    private final int start;

    private BearerToken(String header, int start) {
        this.header = header;
        this.start = start;
    }

    /** The bearer token of an {@code Authorization} value ({@code null} when the request has none), or {@link #NONE}. */
    public static BearerToken of(String authorization) {
        if (authorization == null) {
            return NONE;
        }
        int space = authorization.indexOf(' ');
        if (space != SCHEME.length() || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || space + 1 == authorization.length()) {
            return NONE;
        }
        return new BearerToken(authorization, space + 1);
    }

    /** A token given as it is, without a scheme. */
    public static BearerToken ofToken(String token) {
        return token.isEmpty() ? NONE : new BearerToken(token, 0);
    }

    public boolean isPresent() {
        return this != NONE;
    }

    /**
     * A compact JWS has two dots; Authgear's opaque tokens have none. Anything with a dot is judged
     * in-process (a malformed JWT is rejected there, never sent to Authgear).
     */
    public boolean looksLikeJwt() {
        return header.indexOf('.', start) >= 0;
    }

    /** The token as a string of its own (a copy, unless the header held nothing else). */
    public String value() {
        return start == 0 ? header : header.substring(start);
    }

    /** The string the token is the end of, from {@link #start()}: for reading it without a copy. */
    public String header() {
        return header;
    }

    public int start() {
        return start;
    }

    public int length() {
        return header.length() - start;
    }

    @Override
    public String toString() {
        return isPresent() ? "BearerToken[" + length() + " chars]" : "BearerToken[none]"; // never the token
    }
}

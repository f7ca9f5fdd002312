package io.authgate.core.jwt;

import io.authgate.core.credentials.BearerToken;

/**
 * A cache key for a token string. Equality is the whole token, so a hit can only ever return the
 * result for the very token that was verified. The hash reads only the last {@value #HASHED_CHARS}
 * characters: the end of a compact JWS is its signature, which for a cached (so verified) token
 * nobody but the issuer could choose, so it spreads as well as the whole string would, at a tenth
 * of the cost ({@link String#hashCode()} over ~1 KiB is one serial multiply chain, most of a cache
 * hit on JDK 17). Tokens an attacker makes to share a suffix never verify, so they are never stored
 * and cannot crowd a bucket. A new key is made per request because tokens arrive as new Strings
 * whose own hash is not cached yet. A lookup key reads the token where it is, inside the
 * {@code Authorization} value ({@link BearerToken}); a stored key holds the token alone.
 */
final class TokenKey {
    static final int HASHED_CHARS = 64;

    /** The token is {@code source} from {@code start} on. */
    private final String source;
    private final int start;
    private final int hash;

    TokenKey(String token) {
        this(token, 0);
    }

    TokenKey(BearerToken token) {
        this(token.header(), token.start());
    }

    private TokenKey(String source, int start) {
        this.source = source;
        this.start = start;
        this.hash = hash(source, start);
    }

    static int hash(String s) {
        return hash(s, 0);
    }

    private static int hash(String s, int start) {
        int n = s.length();
        int h = n - start;
        for (int i = Math.max(start, n - HASHED_CHARS); i < n; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 16);
    }

    /** The token itself; a copy for a lookup key (only stored keys are asked, by the weigher). */
    String token() {
        return start == 0 ? source : source.substring(start);
    }

    private int length() {
        return source.length() - start;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenKey other && other.hash == hash && other.length() == length()
                && source.regionMatches(start, other.source, other.start, length());
    }
}

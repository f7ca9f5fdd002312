package io.authgate.core.jwt;

/**
 * A cache key for a token string. Equality is the whole string, so a hit can only ever return the
 * result for the very token that was verified. The hash reads only the last {@value #HASHED_CHARS}
 * characters: the end of a compact JWS is its signature, which for a cached (so verified) token
 * nobody but the issuer could choose, so it spreads as well as the whole string would, at a tenth
 * of the cost ({@link String#hashCode()} over ~1 KiB is one serial multiply chain, most of a cache
 * hit on JDK 17). Tokens an attacker makes to share a suffix never verify, so they are never stored
 * and cannot crowd a bucket. A new key is made per request because tokens arrive as new Strings
 * whose own hash is not cached yet.
 */
final class TokenKey {
    static final int HASHED_CHARS = 64;

    private final String token;
    private final int hash;

    TokenKey(String token) {
        this.token = token;
        this.hash = hash(token);
    }

    static int hash(String s) {
        int n = s.length();
        int h = n;
        for (int i = Math.max(0, n - HASHED_CHARS); i < n; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 16);
    }

    String token() {
        return token;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenKey other && other.hash == hash && other.token.equals(token);
    }
}

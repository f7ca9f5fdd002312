package io.authgate.core.jwt;

/**
 * A cache key for a token string. Equality is the whole string, so a hit can only ever return the
 * result for the very token that was verified. The hash is computed in four independent lanes:
 * {@link String#hashCode()} is one serial multiply chain over ~1 KiB, which is most of a cache hit's
 * cost on JDK 17; the lanes let the CPU overlap the work. A new key is made per request because
 * tokens arrive as new Strings whose own hash is not yet cached.
 */
final class TokenKey {
    private final String token;
    private final int hash;

    TokenKey(String token) {
        this.token = token;
        this.hash = hash(token);
    }

    static int hash(String s) {
        int n = s.length();
        int h0 = 0;
        int h1 = 0;
        int h2 = 0;
        int h3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            h0 = 31 * h0 + s.charAt(i);
            h1 = 31 * h1 + s.charAt(i + 1);
            h2 = 31 * h2 + s.charAt(i + 2);
            h3 = 31 * h3 + s.charAt(i + 3);
        }
        for (; i < n; i++) {
            h0 = 31 * h0 + s.charAt(i);
        }
        int h = ((h0 * 31 + h1) * 31 + h2) * 31 + h3;
        return h ^ (h >>> 16) ^ n;
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

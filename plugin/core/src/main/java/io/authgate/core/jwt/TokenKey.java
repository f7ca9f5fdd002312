package io.authgate.core.jwt;

import io.authgate.core.credentials.BearerToken;
import io.authgate.core.headers.ClaimHeaders;

/**
 * A cache key for a token: the string it came in, which is the {@code Authorization} value (or the
 * bare token, for callers that hold only that). Equality is that whole string, so a hit can only
 * ever return the result for the very token that was verified; a client that spells the scheme
 * another way ({@code bearer} for {@code Bearer}) only misses once. Keying on the header rather than
 * the token inside it spares a hit the token's copy (~1 KiB, most of what a hit allocated) and
 * keeps the comparison {@link String#equals}, which the JIT vectorizes ({@code regionMatches} is a
 * byte loop on JDK 17). The hash reads only the last {@value #HASHED_CHARS} characters: the end of
 * a compact JWS is its signature, which for a cached (so verified) token nobody but the issuer could
 * choose, so it spreads as well as the whole string would, at a tenth of the cost
 * ({@link String#hashCode()} over ~1 KiB is one serial multiply chain, most of a cache hit on JDK
 * 17). Tokens an attacker makes to share a suffix never verify, so they are never stored and cannot
 * crowd a bucket. A new key is made per request because tokens arrive as new Strings whose own hash
 * is not cached yet. The key also holds the configuration's claim headers (shared, not owned), so
 * routes that render other claims from the same token keep entries of their own; equal mappings
 * compare equal, and the common {@link ClaimHeaders#NONE} by reference.
 */
final class TokenKey {
    static final int HASHED_CHARS = 64;

    private final String source;
    private final ClaimHeaders claimHeaders;
    private final int hash;

    TokenKey(String token) {
        this(token, ClaimHeaders.NONE);
    }

    TokenKey(String token, ClaimHeaders claimHeaders) {
        this.source = token;
        this.claimHeaders = claimHeaders;
        this.hash = hash(token);
    }

    TokenKey(BearerToken token) {
        this(token, ClaimHeaders.NONE);
    }

    TokenKey(BearerToken token, ClaimHeaders claimHeaders) {
        this(token.header(), claimHeaders);
    }

    static int hash(String s) {
        int n = s.length();
        int h = n;
        for (int i = Math.max(0, n - HASHED_CHARS); i < n; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 16);
    }

    /** The string the key holds (the {@code Authorization} value or the token): what the weigher counts. */
    String token() {
        return source;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenKey other && other.hash == hash && other.source.equals(source)
                && (other.claimHeaders == claimHeaders || other.claimHeaders.equals(claimHeaders));
    }
}

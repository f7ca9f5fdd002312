package io.authgate.core.jwt;

import io.authgate.core.headers.SessionClaims;

import java.util.List;

/**
 * An Authgear access token's header and claims, read once and not yet trusted: only a
 * {@link VerifiedToken} says its signature verified. Immutable, since a verified one is cached and
 * shared.
 *
 * @param notBefore {@link #ABSENT} when the token has no {@code nbf}
 * @param issuedAt  {@link #ABSENT} when the token has no {@code iat}
 */
public record AccessToken(
        String algorithm,
        String type,
        String keyId,
        String issuer,
        List<String> audience,
        String subject,
        long expiresAt,
        long issuedAt,
        long notBefore,
        String clientId,
        List<String> scopes,
        SessionClaims session) {

    public static final long ABSENT = Long.MIN_VALUE;

    public AccessToken {
        audience = List.copyOf(audience);
        scopes = List.copyOf(scopes);
    }

    @Override
    public String toString() {
        // No claims in logs beyond what identifies the session's owner and lifetime.
        return "AccessToken[sub=" + subject + ", exp=" + expiresAt + ", kid=" + keyId + "]";
    }
}

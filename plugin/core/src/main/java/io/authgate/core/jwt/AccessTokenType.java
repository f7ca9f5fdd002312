package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import java.util.Optional;

/**
 * {@code typ} must say "access token" (RFC 9068: {@code at+jwt}, media types compare
 * case-insensitively, the {@code application/} prefix may be present). Authgear always sets it; an ID
 * token (no {@code typ}, or {@code JWT}) is not a credential for an API.
 */
final class AccessTokenType implements TokenValidator {
    @Override
    public Optional<TokenRejection> validate(AccessToken token, long nowSeconds) {
        String typ = token.type();
        boolean ok = typ != null && (typ.equalsIgnoreCase("at+jwt") || typ.equalsIgnoreCase("application/at+jwt"));
        return ok ? Optional.empty() : Optional.of(TokenRejection.WRONG_TYPE);
    }
}

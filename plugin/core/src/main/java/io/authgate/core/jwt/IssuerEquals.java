package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import java.util.Objects;
import java.util.Optional;

/** {@code iss} must be the Authgear endpoint, exactly. */
final class IssuerEquals implements TokenValidator {
    private final String issuer;

    public IssuerEquals(String issuer) {
        this.issuer = Objects.requireNonNull(issuer);
    }

    @Override
    public Optional<TokenRejection> validate(AccessToken token, long nowSeconds) {
        return issuer.equals(token.issuer()) ? Optional.empty() : Optional.of(TokenRejection.WRONG_ISSUER);
    }
}

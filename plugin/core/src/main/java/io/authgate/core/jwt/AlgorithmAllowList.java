package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import java.util.Optional;
import java.util.Set;

/** {@code alg} must be one the configuration allows (never {@code none}, never an HMAC). */
final class AlgorithmAllowList implements TokenValidator {
    private final Set<String> allowed;

    public AlgorithmAllowList(Set<String> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    @Override
    public Optional<TokenRejection> validate(AccessToken token, long nowSeconds) {
        return allowed.contains(token.algorithm()) ? Optional.empty() : Optional.of(TokenRejection.ALGORITHM_NOT_ALLOWED);
    }
}

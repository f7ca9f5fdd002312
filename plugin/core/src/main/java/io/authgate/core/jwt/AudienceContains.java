package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code aud} (a string or an array) must name at least one of the configured audiences. */
final class AudienceContains implements TokenValidator {
    private final Set<String> audiences;

    public AudienceContains(Set<String> audiences) {
        this.audiences = Set.copyOf(audiences);
    }

    @Override
    public Optional<TokenRejection> validate(AccessToken token, long nowSeconds) {
        List<String> aud = token.audience();
        for (int i = 0; i < aud.size(); i++) {
            if (audiences.contains(aud.get(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(TokenRejection.WRONG_AUDIENCE);
    }
}

package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import java.util.Optional;

/**
 * {@code sub} must name a user. Authgear's machine-to-machine tokens have {@code sub =
 * client_id_<id>}, and its resolver does not accept them.
 */
final class UserSubject implements TokenValidator {
    private static final String CLIENT_PREFIX = "client_id_";

    @Override
    public Optional<TokenRejection> validate(AccessToken token, long nowSeconds) {
        String sub = token.subject();
        boolean ok = sub != null && !sub.isEmpty() && !sub.startsWith(CLIENT_PREFIX);
        return ok ? Optional.empty() : Optional.of(TokenRejection.NOT_A_USER);
    }
}

package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import java.util.Optional;

/**
 * One rule an access token must pass. Rules read only the token and the time, so they run on every
 * request (cache hit or not) and before the signature check, which is the expensive part.
 */
@FunctionalInterface
interface TokenValidator {
    /** @param nowSeconds unix seconds, from the verifier's clock */
    Optional<TokenRejection> validate(AccessToken token, long nowSeconds);
}

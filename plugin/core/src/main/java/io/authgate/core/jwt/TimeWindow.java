package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import java.time.Duration;
import java.util.Optional;

/**
 * The token must be within its lifetime: {@code exp} in the future, and neither {@code iat} nor
 * {@code nbf} in the future, each with the configured skew (Authgear's own is zero).
 */
final class TimeWindow implements TokenValidator {
    private final long skewSeconds;

    public TimeWindow(Duration skew) {
        this.skewSeconds = skew.toSeconds();
    }

    @Override
    public Optional<TokenRejection> validate(AccessToken token, long nowSeconds) {
        if (nowSeconds >= token.expiresAt() + skewSeconds) {
            return Optional.of(TokenRejection.EXPIRED);
        }
        if (inFuture(token.issuedAt(), nowSeconds) || inFuture(token.notBefore(), nowSeconds)) {
            return Optional.of(TokenRejection.NOT_YET_VALID);
        }
        return Optional.empty();
    }

    private boolean inFuture(long instant, long nowSeconds) {
        return instant != AccessToken.ABSENT && instant > nowSeconds + skewSeconds;
    }
}

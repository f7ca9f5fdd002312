package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import io.authgate.core.config.AuthgateConfig;

import java.util.List;
import java.util.Optional;

/** Several rules in order; the first that fails decides. Cheapest first. */
public final class TokenValidators implements TokenValidator {
    private final TokenValidator[] validators;

    public TokenValidators(List<TokenValidator> validators) {
        this.validators = validators.toArray(TokenValidator[]::new);
    }

    /** The rules an Authgear access token must pass under a configuration. */
    public static TokenValidators forConfig(AuthgateConfig config) {
        return new TokenValidators(List.of(
                new AlgorithmAllowList(config.algorithms()),
                new AccessTokenType(),
                new TimeWindow(config.clockSkew()),
                new IssuerEquals(config.issuer()),
                new AudienceContains(config.audiences()),
                new UserSubject()));
    }

    @Override
    public Optional<TokenRejection> validate(AccessToken token, long nowSeconds) {
        for (TokenValidator v : validators) {
            Optional<TokenRejection> r = v.validate(token, nowSeconds);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }
}

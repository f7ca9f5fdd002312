package io.authgate.core.resolve;

import io.authgate.core.GatewayRequest;
import io.authgate.core.credentials.BearerToken;
import io.authgate.core.jwt.AccessTokenVerifier;
import io.authgate.core.resolution.Resolution;
import io.authgate.core.resolution.StepAnswer;

/**
 * A bearer JWT, verified in-process. One that fails is never sent to Authgear (it is invalid, and
 * sending it would let anyone make authgate call Authgear); the cookies are tried next, as Authgear
 * would. A cache hit returns the token's pre-built session and allocates nothing here.
 */
final class JwtStep implements CredentialStep {
    private final AccessTokenVerifier verifier;
    private final boolean opaqueToo;

    /**
     * @param opaqueToo judge tokens without a dot here too (rejected as malformed), for a
     *                  configuration with no Authgear resolver to ask about them
     */
    JwtStep(AccessTokenVerifier verifier, boolean opaqueToo) {
        this.verifier = verifier;
        this.opaqueToo = opaqueToo;
    }

    @Override
    public StepAnswer resolve(BearerToken bearer, GatewayRequest request) {
        if (!bearer.isPresent() || !(opaqueToo || bearer.looksLikeJwt())) {
            return Resolution.Unresolved.NOT_RESPONSIBLE;
        }
        return verifier.resolve(bearer);
    }
}

package io.authgate.core.resolve;

import io.authgate.core.GatewayRequest;
import io.authgate.core.credentials.BearerToken;
import io.authgate.core.remote.RemoteCredential;
import io.authgate.core.resolution.Resolution;
import io.authgate.core.resolution.StepAnswer;

/**
 * A {@code live} route's bearer JWT: verified in-process first (a token that fails is never sent),
 * then asked of Authgear, whose answer (not the token's claims) describes the session; the token's
 * scopes still apply.
 */
final class LiveJwtStep implements CredentialStep {
    private final JwtStep jwt;
    private final AuthgearAnswers authgear;

    LiveJwtStep(JwtStep jwt, AuthgearAnswers authgear) {
        this.jwt = jwt;
        this.authgear = authgear;
    }

    @Override
    public StepAnswer resolve(BearerToken bearer, GatewayRequest request) {
        StepAnswer verified = jwt.resolve(bearer, request);
        if (verified instanceof Resolution r) {
            return askAuthgear(r, bearer);
        }
        return new StepAnswer.Pending(verified.toFuture().thenCompose(r -> askAuthgear(r, bearer).toFuture()));
    }

    private StepAnswer askAuthgear(Resolution verified, BearerToken bearer) {
        return verified instanceof Resolution.Session session
                ? authgear.ask(RemoteCredential.bearer(bearer.value()), session.scopes())
                : verified;
    }
}

package io.authgate.core.resolve;

import io.authgate.core.GatewayRequest;
import io.authgate.core.credentials.BearerToken;
import io.authgate.core.remote.RemoteCredential;
import io.authgate.core.resolution.Resolution;
import io.authgate.core.resolution.StepAnswer;

import java.util.List;
/** A bearer token that is no JWT (Authgear's opaque tokens): only Authgear's resolver can say what it is. */
final class OpaqueBearerStep implements CredentialStep {
    private final AuthgearAnswers authgear;

    OpaqueBearerStep(AuthgearAnswers authgear) {
        this.authgear = authgear;
    }

    @Override
    public StepAnswer resolve(BearerToken bearer, GatewayRequest request) {
        if (!bearer.isPresent() || bearer.looksLikeJwt()) {
            return Resolution.Unresolved.NOT_RESPONSIBLE;
        }
        return authgear.ask(RemoteCredential.bearer(bearer.value()), List.of());
    }
}

package io.authgate.core.resolve;

import io.authgate.core.GatewayRequest;
import io.authgate.core.credentials.BearerToken;
import io.authgate.core.resolution.Resolution;
import io.authgate.core.resolution.StepAnswer;

/**
 * One kind of credential, judged: a step says what the request's credential of its kind resolves to,
 * or {@link Resolution.Unresolved#NOT_RESPONSIBLE} when the request has none. Steps are tried in
 * order (bearer token first, then cookies, as Authgear does). Never blocks, never throws; answers
 * at once whenever it can (see {@link StepAnswer}).
 */
interface CredentialStep {
    /** @param bearer the request's bearer token, read once for every step */
    StepAnswer resolve(BearerToken bearer, GatewayRequest request);
}

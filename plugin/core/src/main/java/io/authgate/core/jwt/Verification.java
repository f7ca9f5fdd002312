package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;

/**
 * The outcome of verifying a bearer token: the {@link VerifiedToken} when it verified, a
 * {@link TokenRejection} when not. Both are existing objects, so the hot path allocates no result.
 * Not sealed only because the rejection reasons are event vocabulary and live beside
 * {@link io.authgate.core.AuthgateEvents}, in another package; nothing else implements it.
 */
public interface Verification {
}

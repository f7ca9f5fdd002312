package io.authgate.core.jwt;

/**
 * The outcome of verifying a bearer token: the {@link VerifiedToken} when it verified, a
 * {@link TokenRejection} when not. Both are existing objects, so the hot path allocates no result.
 */
public sealed interface Verification permits VerifiedToken, TokenRejection {
}

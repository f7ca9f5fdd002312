package io.authgate.core;

import io.authgate.core.jwt.Verification;

/**
 * Why a bearer token was not accepted. Every reason but {@link #KEYS_UNAVAILABLE} means the token is
 * invalid (RFC 6750 {@code invalid_token}) and, as in Authgear, "no session". The reason is for
 * metrics and logs; it is never told to the client beyond {@code invalid_token}.
 */
public enum TokenRejection implements Verification {
    TOO_LARGE("token is larger than the size cap"),
    MALFORMED("token is not a well-formed signed JWT"),
    ALGORITHM_NOT_ALLOWED("alg is not in the allow-list"),
    MISSING_KEY_ID("kid is missing"),
    WRONG_TYPE("typ is not at+jwt"),
    WRONG_ISSUER("iss is not the Authgear endpoint"),
    WRONG_AUDIENCE("aud does not contain the audience"),
    EXPIRED("exp has passed"),
    NOT_YET_VALID("iat or nbf is in the future"),
    NOT_A_USER("sub is missing or names a client (machine-to-machine token)"),
    UNKNOWN_KEY("kid is not in the JWKS"),
    KEY_MISMATCH("the key with that kid cannot verify this alg"),
    BAD_SIGNATURE("signature does not verify"),
    /** Verified, and revoked since by an Authgear event (signed out, session terminated, user disabled). */
    REVOKED("the user's tokens issued before an Authgear event (sign-out, disable) are revoked"),
    /** Not a judgement of the token: no keys could be had to judge it with. */
    KEYS_UNAVAILABLE("the JWKS could not be fetched and no keys are cached");

    private final String description;

    TokenRejection(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}

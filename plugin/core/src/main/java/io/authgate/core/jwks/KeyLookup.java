package io.authgate.core.jwks;

/** What a {@link KeySource} answers for a {@code kid}: the key, or why there is none. */
public sealed interface KeyLookup permits VerificationKey, KeyLookup.Miss {

    enum Miss implements KeyLookup {
        /** The JWKS (as fresh as the refresh policy allows) has no key of that id. */
        UNKNOWN_KID,
        /** No JWKS could be had at all: nothing cached and the fetch failed or timed out. */
        UNAVAILABLE
    }
}

package io.authgate.core.remote;

import io.authgate.core.headers.IdentityHeaders;
import io.authgate.core.headers.SessionClaims;

import java.util.Objects;

/**
 * What Authgear's resolver said about one credential.
 *
 * @param headers the contract's {@code x-authgear-*} headers it answered, as they were
 * @param claims  the session those headers describe, for route policies; {@code null} unless {@link Kind#VALID}
 */
public record RemoteSession(Kind kind, IdentityHeaders headers, SessionClaims claims) {

    public enum Kind {
        /** {@code Session-Valid: true} with a user: the credential resolved. */
        VALID,
        /** {@code Session-Valid: false} (user disabled, IdP session gone), or headers that do not make a session. */
        INVALID,
        /** No identity header: the credential did not resolve. */
        NONE
    }

    public static final RemoteSession NONE = new RemoteSession(Kind.NONE, IdentityHeaders.NONE, null);

    public RemoteSession {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(headers, "headers");
        if ((kind == Kind.VALID) != (claims != null)) {
            throw new IllegalArgumentException("claims go with a valid session, and only with one");
        }
    }
}

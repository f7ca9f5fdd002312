package io.authgate.core.remote;

import io.authgate.core.RemoteSessionKind;
import io.authgate.core.headers.IdentityHeaders;
import io.authgate.core.headers.SessionClaims;

import java.util.Objects;

/**
 * What Authgear's resolver said about one credential.
 *
 * @param headers the contract's {@code x-authgear-*} headers it answered, as they were
 * @param claims  the session those headers describe, for route policies; {@code null} unless {@link RemoteSessionKind#VALID}
 */
public record RemoteSession(RemoteSessionKind kind, IdentityHeaders headers, SessionClaims claims) {


    public static final RemoteSession NONE = new RemoteSession(RemoteSessionKind.NONE, IdentityHeaders.NONE, null);

    public RemoteSession {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(headers, "headers");
        if ((kind == RemoteSessionKind.VALID) != (claims != null)) {
            throw new IllegalArgumentException("claims go with a valid session, and only with one");
        }
    }
}

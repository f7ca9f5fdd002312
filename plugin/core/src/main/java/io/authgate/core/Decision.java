package io.authgate.core;

import io.authgate.core.headers.Header;
import io.authgate.core.headers.IdentityHeaders;

import java.util.List;

/**
 * What the gateway does with a request: let it through with identity headers, or answer it itself.
 * Either way, every client-sent {@code x-authgear-*} header is removed by the front.
 */
public sealed interface Decision permits Decision.Allow, Decision.Deny {

    /**
     * Continue to the upstream, with these headers set (none when there is no session).
     *
     * @param expiresAt the verified access token's {@code exp} (epoch seconds), for a front that tells
     *                  its gateway how long the answer holds; {@link #NO_EXPIRY} when no token set it
     *                  (no session, or a session Authgear's resolver answered for)
     */
    record Allow(IdentityHeaders headers, long expiresAt) implements Decision {
        public static final long NO_EXPIRY = Long.MIN_VALUE;
        public static final Allow NO_SESSION = new Allow(IdentityHeaders.NONE);

        /** An answer no token's lifetime bounds. */
        public Allow(IdentityHeaders headers) {
            this(headers, NO_EXPIRY);
        }
    }

    /** Answer the client now; nothing reaches the upstream. */
    record Deny(int status, List<Header> headers, String body) implements Decision {
        public Deny {
            headers = List.copyOf(headers);
        }
    }
}

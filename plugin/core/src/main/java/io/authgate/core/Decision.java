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
     * @param reusableUntilMillis until when (epoch milliseconds, exclusive) the same credentials on the
     *                            same route would get this same answer, as far as the core knows: a
     *                            verified token's {@code exp} (or, under {@code max_auth_age}, when the
     *                            session stops passing it), a remote answer's cache TTL from now;
     *                            {@link #NOT_REUSABLE} on {@code live} routes and for answers given
     *                            because Authgear did not answer; {@link #UNBOUNDED} when the
     *                            credentials alone decide it for good (none, or a rejected JWT). A
     *                            front may let a gateway cache reuse the answer until then, capped.
     */
    record Allow(IdentityHeaders headers, long reusableUntilMillis) implements Decision {
        public static final long NOT_REUSABLE = 0;
        public static final long UNBOUNDED = Long.MAX_VALUE;
        public static final Allow NO_SESSION = new Allow(IdentityHeaders.NONE, UNBOUNDED);
        /** {@link #NO_SESSION} on a {@code live} route, or while Authgear does not answer. */
        public static final Allow NO_SESSION_NOT_REUSABLE = new Allow(IdentityHeaders.NONE, NOT_REUSABLE);

        /** An answer not to be reused. */
        public Allow(IdentityHeaders headers) {
            this(headers, NOT_REUSABLE);
        }

        /** The same answer, reusable until {@code untilMillis} at the latest. */
        public Allow reusableAtMostUntil(long untilMillis) {
            return untilMillis >= reusableUntilMillis ? this : new Allow(headers, untilMillis);
        }
    }

    /** Answer the client now; nothing reaches the upstream. */
    record Deny(int status, List<Header> headers, String body) implements Decision {
        public Deny {
            headers = List.copyOf(headers);
        }
    }
}

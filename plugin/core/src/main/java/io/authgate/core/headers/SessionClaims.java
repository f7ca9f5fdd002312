package io.authgate.core.headers;

import io.authgate.core.memory.HeapSize;
import io.authgate.core.memory.SharedValues;

import java.util.List;
import java.util.Objects;

/**
 * What the resolver headers say about a valid session: the subset of an Authgear access token's
 * claims that reaches the upstream.
 *
 * @param authTime unix seconds of the last authentication, 0 when unknown
 */
public record SessionClaims(
        String userId,
        boolean anonymous,
        boolean verified,
        boolean canReauthenticate,
        List<String> roles,
        List<String> amr,
        long authTime) {

    private static final long SIZE = HeapSize.object(3, 3 + Long.BYTES);

    public SessionClaims {
        Objects.requireNonNull(userId, "userId");
        roles = List.copyOf(roles);
        amr = List.copyOf(amr);
    }

    /** The same claims, with the role and amr sets that many sessions share held once. */
    public SessionClaims sharing(SharedValues shared) {
        return new SessionClaims(userId, anonymous, verified, canReauthenticate, shared.share(roles), shared.share(amr), authTime);
    }

    /**
     * What these claims take on the heap, for a cache's weigher: the shared sets take nothing, and the
     * user id nothing when the entry holds it already ({@code userIdHeld}).
     */
    public long heapSize(SharedValues shared, boolean userIdHeld) {
        return SIZE + (userIdHeld ? 0 : HeapSize.string(userId))
                + (shared.holds(roles) ? 0 : HeapSize.stringList(roles)) + (shared.holds(amr) ? 0 : HeapSize.stringList(amr));
    }
}

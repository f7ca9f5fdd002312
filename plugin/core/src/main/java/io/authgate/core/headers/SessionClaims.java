package io.authgate.core.headers;

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

    public SessionClaims {
        Objects.requireNonNull(userId, "userId");
        roles = List.copyOf(roles);
        amr = List.copyOf(amr);
    }
}

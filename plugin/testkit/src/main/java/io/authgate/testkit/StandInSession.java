package io.authgate.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the {@link ResolverStandIn} knows about one session: the facts Authgear's resolver turns into
 * {@code X-Authgear-*} headers.
 *
 * @param authTime unix seconds; 0 means unknown (the header is then left out)
 */
public record StandInSession(
        String userId,
        boolean anonymous,
        boolean verified,
        boolean canReauthenticate,
        List<String> roles,
        List<String> amr,
        long authTime) {

    public StandInSession {
        Objects.requireNonNull(userId, "userId");
        roles = roles == null ? List.of() : List.copyOf(roles);
        amr = amr == null ? List.of() : List.copyOf(amr);
    }

    /**
     * The conformance table's user: the same facts as the claims of {@link AuthgearClaims#user}, so a
     * seeded cookie and a freshly minted token resolve to the same headers.
     */
    public static StandInSession defaultUser() {
        return new StandInSession(AuthgearClaims.USER_ID, false, true, true,
                List.of("admin", "editor"), List.of("pwd", "mfa", "otp"), AuthgearClaims.AUTH_TIME);
    }

    public StandInSession withUserId(String userId) {
        return new StandInSession(userId, anonymous, verified, canReauthenticate, roles, amr, authTime);
    }

    public StandInSession withAnonymous(boolean anonymous) {
        return new StandInSession(userId, anonymous, verified, canReauthenticate, roles, amr, authTime);
    }

    public StandInSession withVerified(boolean verified) {
        return new StandInSession(userId, anonymous, verified, canReauthenticate, roles, amr, authTime);
    }

    public StandInSession withCanReauthenticate(boolean canReauthenticate) {
        return new StandInSession(userId, anonymous, verified, canReauthenticate, roles, amr, authTime);
    }

    public StandInSession withRoles(String... roles) {
        return new StandInSession(userId, anonymous, verified, canReauthenticate, List.of(roles), amr, authTime);
    }

    public StandInSession withAmr(String... amr) {
        return new StandInSession(userId, anonymous, verified, canReauthenticate, roles, List.of(amr), authTime);
    }

    public StandInSession withAuthTime(long authTime) {
        return new StandInSession(userId, anonymous, verified, canReauthenticate, roles, amr, authTime);
    }

    /**
     * The headers Authgear's resolver answers for this session when it is valid, names in Go's
     * canonical case, in the contract's order. Roles are left out when there are none, the amr is
     * always there (empty when there is none), the authentication time is left out when 0.
     */
    public Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Authgear-Session-Valid", "true");
        h.put("X-Authgear-User-Id", userId);
        h.put("X-Authgear-User-Anonymous", Boolean.toString(anonymous));
        h.put("X-Authgear-User-Verified", Boolean.toString(verified));
        h.put("X-Authgear-User-Can-Reauthenticate", Boolean.toString(canReauthenticate));
        if (!roles.isEmpty()) {
            h.put("X-Authgear-User-Roles", String.join(",", roles));
        }
        h.put("X-Authgear-Session-Amr", String.join(" ", amr));
        if (authTime != 0) {
            h.put("X-Authgear-Session-Authenticated-At", Long.toString(authTime));
        }
        return java.util.Collections.unmodifiableMap(h);
    }
}

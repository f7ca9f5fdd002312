package io.authgate.core.resolve;

import io.authgate.core.Decision;
import io.authgate.core.config.Policy;
import io.authgate.core.headers.SessionClaims;
import io.authgate.core.resolution.Resolution;

import java.util.List;

/**
 * Applies a route's {@link Policy} to a verified session. Refusals that another login cannot fix
 * come first (403: anonymous, unverified, roles, scopes); then those a stronger or fresher login can
 * (401 step-up: amr, authentication age), so a client is never sent to log in again for nothing.
 */
final class SessionPolicy {
    private final Policy policy;
    private final Challenges challenges;
    private final String requiredScopes;

    SessionPolicy(Policy policy, Challenges challenges) {
        this.policy = policy;
        this.challenges = challenges;
        this.requiredScopes = String.join(" ", policy.scopesAll().stream().sorted().toList());
    }

    /** @return the session's own {@link Resolution.Session#allow() Allow} when it passes, otherwise the denial */
    Decision check(Resolution.Session resolved, long nowSeconds) {
        SessionClaims session = resolved.claims();
        // The access token's scopes; empty for a session without any (a cookie), which a route requiring scopes refuses.
        List<String> scopes = resolved.scopes();
        if (session.anonymous() && !policy.allowAnonymous()) {
            return challenges.forbidden();
        }
        if (policy.requireVerified() && !session.verified()) {
            return challenges.forbidden();
        }
        List<String> roles = session.roles();
        if (!policy.rolesAny().isEmpty() && roles.stream().noneMatch(policy.rolesAny()::contains)) {
            return challenges.forbidden();
        }
        if (!roles.containsAll(policy.rolesAll())) {
            return challenges.forbidden();
        }
        if (!policy.scopesAll().isEmpty() && !scopes.containsAll(policy.scopesAll())) {
            return challenges.insufficientScope(requiredScopes);
        }
        if (!policy.amrAny().isEmpty() && session.amr().stream().noneMatch(policy.amrAny()::contains)) {
            return challenges.stepUp("a stronger authentication is required", null);
        }
        if (policy.maxAuthAge() != null) {
            long age = nowSeconds - session.authTime();
            if (session.authTime() == 0 || age > policy.maxAuthAge().toSeconds()) {
                return challenges.stepUp("a more recent authentication is required", policy.maxAuthAge().toSeconds());
            }
        }
        return resolved.allow();
    }
}

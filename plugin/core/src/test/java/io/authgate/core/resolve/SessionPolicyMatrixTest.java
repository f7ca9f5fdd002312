package io.authgate.core.resolve;

import io.authgate.core.Decision;
import io.authgate.core.config.Policy;
import io.authgate.core.headers.IdentityHeaders;
import io.authgate.core.headers.SessionClaims;
import io.authgate.core.jwt.AccessToken;
import io.authgate.core.resolution.Resolution;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every combination of a small universe of sessions against every combination of policy rules: a
 * session passes exactly when each rule, judged independently here, admits it; and a refusal has
 * the status and challenge of the first kind of rule it breaks (403 before a 401 step-up).
 */
class SessionPolicyMatrixTest {
    private static final long NOW = 1_800_000_000L;
    private static final List<Set<String>> ROLE_SETS = List.of(Set.of(), Set.of("admin"), Set.of("editor"), Set.of("admin", "editor"));
    private static final List<Set<String>> AMR_SETS = List.of(Set.of(), Set.of("pwd"), Set.of("pwd", "mfa"));
    private static final List<Set<String>> SCOPE_SETS = List.of(Set.of("openid"), Set.of("openid", "orders:read"));
    private static final long[] AUTH_TIMES = {0, NOW - 60, NOW - 3600};
    private final Challenges challenges = new Challenges("https://auth.example.com");

    @Test
    void noSessionPassesAPolicyThatOneOfItsRulesForbids() {
        int checked = 0;
        for (Policy policy : policies()) {
            SessionPolicy subject = new SessionPolicy(policy, challenges);
            for (AccessToken token : sessions()) {
                Resolution.Session resolved = new Resolution.Session(token.session(), token.scopes(),
                        IdentityHeaders.validSession(token.session()));
                Decision decision = subject.check(resolved, NOW);
                Decision.Deny refused = decision instanceof Decision.Deny deny ? deny : null;
                if (refused == null) {
                    assertThat(decision).as("a session that passes continues with its own headers").isSameAs(resolved.allow());
                }
                Expected expected = expected(policy, token);
                assertThat(refused == null).as("%s on %s", policy, token.session()).isEqualTo(expected == Expected.ALLOW);
                if (refused != null) {
                    assertThat(refused.status()).as("%s on %s", policy, token.session()).isEqualTo(expected.status);
                    String challenge = refused.headers().stream().filter(h -> h.name().equals("www-authenticate"))
                            .map(h -> h.value()).findFirst().orElse("");
                    assertThat(challenge).as("%s on %s", policy, token.session()).contains(expected.challenge);
                    assertThat(refused.body()).startsWith("{\"error\":\"");
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10_000);
    }

    private enum Expected {
        ALLOW(200, ""), FORBIDDEN(403, ""), SCOPE(403, "error=\"insufficient_scope\""),
        STEP_UP(401, "error=\"insufficient_user_authentication\""), STEP_UP_MAX_AGE(401, "max_age=600");

        final int status;
        final String challenge;

        Expected(int status, String challenge) {
            this.status = status;
            this.challenge = challenge;
        }
    }

    /** The rules judged one by one, written independently of SessionPolicy. */
    private static Expected expected(Policy p, AccessToken t) {
        SessionClaims s = t.session();
        boolean forbidden = (s.anonymous() && !p.allowAnonymous())
                || (p.requireVerified() && !s.verified())
                || (!p.rolesAny().isEmpty() && p.rolesAny().stream().noneMatch(s.roles()::contains))
                || !s.roles().containsAll(p.rolesAll());
        if (forbidden) {
            return Expected.FORBIDDEN;
        }
        if (!t.scopes().containsAll(p.scopesAll())) {
            return Expected.SCOPE;
        }
        if (!p.amrAny().isEmpty() && p.amrAny().stream().noneMatch(s.amr()::contains)) {
            return Expected.STEP_UP;
        }
        if (p.maxAuthAge() != null && (s.authTime() == 0 || NOW - s.authTime() > p.maxAuthAge().toSeconds())) {
            return Expected.STEP_UP_MAX_AGE;
        }
        return Expected.ALLOW;
    }

    private static List<Policy> policies() {
        List<Policy> out = new ArrayList<>();
        for (boolean anonymous : new boolean[]{false, true}) {
            for (boolean verified : new boolean[]{false, true}) {
                if (anonymous && verified) {
                    continue; // a configuration error
                }
                for (Set<String> rolesAny : ROLE_SETS) {
                    for (Set<String> rolesAll : ROLE_SETS) {
                        for (Set<String> scopes : List.of(Set.<String>of(), Set.of("orders:read"))) {
                            for (Set<String> amr : List.of(Set.<String>of(), Set.of("mfa"))) {
                                for (Duration maxAge : new Duration[]{null, Duration.ofSeconds(600)}) {
                                    out.add(new Policy(anonymous, verified, rolesAny, rolesAll, scopes, amr, maxAge));
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static List<AccessToken> sessions() {
        List<AccessToken> out = new ArrayList<>();
        for (boolean anonymous : new boolean[]{false, true}) {
            for (boolean verified : new boolean[]{false, true}) {
                for (Set<String> roles : ROLE_SETS) {
                    for (Set<String> amr : AMR_SETS) {
                        for (Set<String> scopes : SCOPE_SETS) {
                            for (long authTime : AUTH_TIMES) {
                                SessionClaims s = new SessionClaims("u", anonymous, verified, true,
                                        List.copyOf(roles), List.copyOf(amr), authTime);
                                out.add(new AccessToken("RS256", "at+jwt", "k", "https://auth.example.com",
                                        List.of("https://auth.example.com"), "u", NOW + 600, NOW, AccessToken.ABSENT,
                                        "c", List.copyOf(scopes), s));
                            }
                        }
                    }
                }
            }
        }
        return out;
    }
}

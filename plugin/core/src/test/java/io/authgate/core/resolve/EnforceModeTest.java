package io.authgate.core.resolve;

import io.authgate.core.Gate;

import io.authgate.core.Denials;
import io.authgate.core.GatewayRequest;
import io.authgate.core.Decision;
import io.authgate.core.Authgate;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.headers.Header;
import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Enforce mode through the whole core, keys over HTTP: each kind of denial and its challenge. */
class EnforceModeTest {
    private static TestIssuer issuer;
    private static Authgate authgate;

    @BeforeAll
    static void start() {
        issuer = TestIssuer.start();
        authgate = Authgate.create(AuthgateEvents.NONE);
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    private static Gate enforce(String policy) {
        return authgate.gateFor(ConfigParser.parseJson("{\"authgear_endpoint\":\"" + issuer.issuer()
                + "\",\"mode\":\"enforce\"" + (policy == null ? "" : ",\"policy\":" + policy) + "}"));
    }

    private static GatewayRequest bearer(TokenRecipe recipe) {
        return GatewayRequest.of("Bearer " + new TokenMinter(issuer.issuer()).mint(recipe, System.currentTimeMillis() / 1000), null);
    }

    private static String challenge(Decision d) {
        return ((Decision.Deny) d).headers().stream().filter(h -> h.name().equals("www-authenticate"))
                .map(Header::value).findFirst().orElse(null);
    }

    private String realm() {
        return "Bearer realm=\"" + issuer.issuer() + "\"";
    }

    @Test
    void aValidSessionGoesThroughWithTheSameHeadersAsResolveMode() {
        Decision d = enforce(null).resolve(bearer(TokenRecipe.VALID));
        assertThat(d).isInstanceOf(Decision.Allow.class);
        assertThat(((Decision.Allow) d).headers().get("x-authgear-user-id")).isEqualTo(AuthgearClaims.USER_ID);
    }

    @Test
    void noCredentialsIs401WithABareChallenge() {
        Decision d = enforce(null).resolve(GatewayRequest.of(null, "app_session=opaque"));
        assertThat(((Decision.Deny) d).status()).isEqualTo(401);
        assertThat(challenge(d)).isEqualTo(realm());
        assertThat(((Decision.Deny) d).body()).contains("\"error\":\"unauthorized\"");
    }

    @Test
    void anInvalidOrExpiredTokenIs401InvalidToken() {
        for (TokenRecipe recipe : new TokenRecipe[]{TokenRecipe.VALID.signedBy("attacker"), TokenRecipe.withClaims(Map.of("exp", "now-1"))}) {
            Decision d = enforce(null).resolve(bearer(recipe));
            assertThat(((Decision.Deny) d).status()).isEqualTo(401);
            assertThat(challenge(d)).isEqualTo(realm() + ", error=\"invalid_token\"");
            assertThat(((Decision.Deny) d).headers()).contains(new Header("content-type", "application/json"));
        }
    }

    @Test
    void anonymousSessionsAreRefusedUnlessAllowed() {
        TokenRecipe anonymous = TokenRecipe.withClaims(Map.of(AuthgearClaims.ANONYMOUS, true, AuthgearClaims.VERIFIED, false));
        Decision refused = enforce(null).resolve(bearer(anonymous));
        assertThat(((Decision.Deny) refused).status()).isEqualTo(403);
        assertThat(challenge(refused)).isNull();
        assertThat(enforce("{\"allow_anonymous\":true}").resolve(bearer(anonymous))).isInstanceOf(Decision.Allow.class);
    }

    @Test
    void missingScopesAre403InsufficientScopeNamingTheScopes() {
        Decision d = enforce("{\"scopes_all\":[\"orders:write\"]}").resolve(bearer(TokenRecipe.VALID));
        assertThat(((Decision.Deny) d).status()).isEqualTo(403);
        assertThat(challenge(d)).isEqualTo(realm() + ", error=\"insufficient_scope\", scope=\"orders:write\"");
    }

    @Test
    void aMissingAmrIsAStepUpChallenge() {
        Decision d = enforce("{\"amr_any\":[\"mfa\"]}").resolve(bearer(TokenRecipe.withClaims(Map.of("amr", java.util.List.of("pwd")))));
        assertThat(((Decision.Deny) d).status()).isEqualTo(401);
        assertThat(challenge(d)).startsWith(realm() + ", error=\"insufficient_user_authentication\", error_description=\"");
        assertThat(challenge(d)).doesNotContain("max_age");
    }

    @Test
    void anOldAuthenticationIsAStepUpWithMaxAge() {
        Decision d = enforce("{\"max_auth_age_seconds\":300}").resolve(bearer(TokenRecipe.withClaims(Map.of("auth_time", "now-301"))));
        assertThat(((Decision.Deny) d).status()).isEqualTo(401);
        assertThat(challenge(d)).contains("error=\"insufficient_user_authentication\"").endsWith(", max_age=300");
        assertThat(enforce("{\"max_auth_age_seconds\":300}").resolve(bearer(TokenRecipe.withClaims(Map.of("auth_time", "now-10")))))
                .isInstanceOf(Decision.Allow.class);
    }

    @Test
    void rolesAnyAndRolesAll() {
        assertThat(enforce("{\"roles_any\":[\"viewer\",\"admin\"]}").resolve(bearer(TokenRecipe.VALID))).isInstanceOf(Decision.Allow.class);
        assertThat(((Decision.Deny) enforce("{\"roles_all\":[\"admin\",\"owner\"]}").resolve(bearer(TokenRecipe.VALID))).status()).isEqualTo(403);
    }

    @Test
    void keysThatCannotBeHadAreStill503InEnforceMode() {
        try (TestIssuer down = TestIssuer.start()) {
            down.failWith(503);
            Gate r = authgate.gateFor(ConfigParser.parseJson("{\"authgear_endpoint\":\"" + down.issuer()
                    + "\",\"mode\":\"enforce\",\"jwks\":{\"wait_timeout_ms\":200}}"));
            String token = new TokenMinter(down.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
            assertThat(r.resolve(GatewayRequest.of("Bearer " + token, null))).isSameAs(Denials.KEYS_UNAVAILABLE);
        }
    }
}

package io.authgate.apisix.it;

import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TestKeys;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * (Issue 15, item 1) Two APISIX routes, two Authgear projects, one runner: each route's value names
 * its own project, and a token of one never resolves on the other's route. B has a key of its own; C
 * the very same keys as A, so only {@code iss} and {@code aud} tell them apart. Through the real
 * runner over its socket, with keys served over HTTP.
 */
class ApisixSeveralProjectsIT {
    private static TestIssuer a;
    private static TestIssuer b;
    private static TestIssuer c;
    private static ApisixHarness apisix;

    @BeforeAll
    static void start() throws Exception {
        a = TestIssuer.start();
        b = TestIssuer.start();
        b.publish(TestKeys.rsa(TokenMinter.ATTACKER_KID).toPublicJWK());
        c = TestIssuer.start();
        apisix = ApisixHarness.start();
    }

    @AfterAll
    static void stop() {
        if (apisix != null) {
            apisix.close();
        }
        for (TestIssuer i : new TestIssuer[] {a, b, c}) {
            if (i != null) {
                i.close();
            }
        }
    }

    private static String route(TestIssuer issuer) {
        return ApisixHarness.json(Map.of("authgear_endpoint", issuer.issuer(), "mode", "enforce",
                "claims_to_headers", Map.of("x-myapp-project", "project")));
    }

    private static String tokenOfB() {
        TokenRecipe recipe = new TokenRecipe(Map.of("kid", TokenMinter.ATTACKER_KID), Map.of("project", "b"), "attacker", null, 0);
        return new TokenMinter(b.issuer()).mint(recipe, System.currentTimeMillis() / 1000);
    }

    private static String tokenOf(TestIssuer issuer, String project) {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("project", project)), System.currentTimeMillis() / 1000);
    }

    private static ReqCallResult call(TestIssuer routeProject, String token) throws Exception {
        HttpRequestSpec spec = HttpRequestSpec.builder("GET", "/api").header("Host", "api.example.com")
                .header("Authorization", "Bearer " + token).header("X-Myapp-Project", "spoofed").build();
        ReqCallResult result = apisix.call(route(routeProject), spec);
        if (result.action() != ReqCallResult.Action.STOP) {
            assertThat(ApisixHarness.identityHeadersAtUpstream(spec, result).get("x-myapp-project")).isNotEqualTo("spoofed");
        }
        return result;
    }

    @Test
    void eachRouteResolvesOnlyItsOwnProjectsTokens() throws Exception {
        HttpRequestSpec probe = HttpRequestSpec.builder("GET", "/api").header("Host", "api.example.com")
                .header("Authorization", "Bearer " + tokenOfB()).build();
        ReqCallResult bOnB = apisix.call(route(b), probe);
        assertThat(bOnB.action()).isIn(ReqCallResult.Action.NONE, ReqCallResult.Action.REWRITE);
        assertThat(ApisixHarness.identityHeadersAtUpstream(probe, bOnB)).containsEntry("x-myapp-project", "b")
                .containsKey("x-authgear-user-id");

        assertThat(call(a, tokenOf(a, "a")).action()).as("A's token on A's route").isNotEqualTo(ReqCallResult.Action.STOP);
        assertThat(call(c, tokenOf(c, "c")).action()).as("C's token on C's route").isNotEqualTo(ReqCallResult.Action.STOP);

        assertThat(call(b, tokenOf(a, "a")).status()).as("A's token on B's route (another key)").isEqualTo(401);
        assertThat(call(a, tokenOfB()).status()).as("B's token on A's route (another key)").isEqualTo(401);
        assertThat(call(c, tokenOf(a, "a")).status()).as("A's token on C's route (same key, other iss/aud)").isEqualTo(401);
        assertThat(call(a, tokenOf(c, "c")).status()).as("C's token on A's route (same key, other iss/aud)").isEqualTo(401);
    }
}

package io.authgate.apisix.it;

import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * APISIX hands the runner only the first 100 header lines (ngx.req.get_headers()'s default limit) but
 * proxies every line: identity headers the runner never saw must still not reach the upstream. The
 * client models the limit ({@link ApisixExtPluginClient}); {@link UpstreamRequest} applies the runner's
 * Rewrite to all the client's lines, those past the limit too.
 */
class ApisixHeaderLimitIT {
    /** ngx.req.get_headers() without an argument: lua-nginx-module's NGX_HTTP_LUA_MAX_HEADERS. */
    private static final int APISIX_LINES = 100;

    private static TestIssuer issuer;
    private static ApisixHarness apisix;
    private static String route;

    @BeforeAll
    static void start() throws Exception {
        issuer = TestIssuer.start();
        apisix = ApisixHarness.start();
        route = "{\"authgear_endpoint\":\"" + issuer.issuer() + "\"}";
    }

    @AfterAll
    static void stop() {
        if (apisix != null) {
            apisix.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    private static String validToken() {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
    }

    private static HttpRequestSpec.Builder request() {
        return HttpRequestSpec.get("/api/orders").header("Host", "api.example.com");
    }

    /** Adds {@code fillers} filler lines: after Host and 99 of them, whatever comes next is past the limit. */
    private static HttpRequestSpec.Builder fillers(HttpRequestSpec.Builder request, int fillers) {
        for (int i = 1; i <= fillers; i++) {
            request.header("X-Filler-" + i, "f");
        }
        return request;
    }

    /** Host, then {@code fillers} filler lines. */
    private static HttpRequestSpec.Builder withFillers(int fillers) {
        return fillers(request(), fillers);
    }

    /** Every contract name (and the retired acr), in a different case and `-`/`_` mix each. */
    private static HttpRequestSpec.Builder spoofEveryContractName(HttpRequestSpec.Builder request) {
        return request.header("X-Authgear-User-Id", "victim")
                .header("x_authgear-user_id", "victim")
                .header("X-AUTHGEAR-SESSION-VALID", "true")
                .header("x_authgear_user_roles", "superadmin")
                .header("X-Authgear-User-Anonymous", "false")
                .header("x-authgear_user-verified", "true")
                .header("X_AUTHGEAR_USER_CAN_REAUTHENTICATE", "true")
                .header("x-authgear-session_amr", "pwd")
                .header("X-Authgear-Session-Authenticated_At", "1")
                .header("x_Authgear_Session_Acr", "high");
    }

    private Map<String, String> identityAtUpstream(HttpRequestSpec request) throws Exception {
        ReqCallResult result = apisix.call(route, request);
        assertThat(result.action()).as(apisix.log()).isIn(ReqCallResult.Action.NONE, ReqCallResult.Action.REWRITE);
        return ApisixHarness.identityHeadersAtUpstream(request, result);
    }

    @Test
    void spoofsPastTheLimitWithoutATokenNeverReachTheUpstream() throws Exception {
        for (int fillers : List.of(APISIX_LINES - 5, APISIX_LINES - 1, APISIX_LINES, 2 * APISIX_LINES)) {
            HttpRequestSpec request = spoofEveryContractName(withFillers(fillers)).build();
            ReqCallResult result = apisix.call(route, request);

            assertThat(ApisixHarness.identityHeadersAtUpstream(request, result)).as("%d filler lines", fillers).isEmpty();
            // one deletion per spelling of the nine names, whether the runner saw that line or not
            assertThat(result.rewriteHeaders()).hasSize(88).allSatisfy(h -> assertThat(h.value()).isNull());
        }
    }

    /** (Issue 15) A route's claim header names are deleted past the limit too, in every spelling. */
    @Test
    void claimHeaderSpoofsPastTheLimitNeverReachTheUpstream() throws Exception {
        String claimsRoute = "{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"claims_to_headers\":{\"x-myapp-tenant\":\"t\"}}";
        HttpRequestSpec request = withFillers(APISIX_LINES).header("X-Myapp-Tenant", "evil").header("x_myapp-tenant", "evil")
                .header("X_MYAPP_TENANT", "evil").build();
        ReqCallResult result = apisix.call(claimsRoute, request);

        assertThat(ApisixHarness.identityHeadersAtUpstream(request, result)).isEmpty();
        // 88 contract spellings, and the 4 of x-myapp-tenant (- or _ at each of its two separators)
        assertThat(result.rewriteHeaders()).hasSize(88 + 4).allSatisfy(h -> assertThat(h.value()).isNull());
    }

    @Test
    void spoofsPastTheLimitBesideAValidTokenDoNotRideAlong() throws Exception {
        HttpRequestSpec.Builder request = fillers(request().header("Authorization", "Bearer " + validToken()),
                APISIX_LINES);

        Map<String, String> upstream = identityAtUpstream(spoofEveryContractName(request).build());

        assertThat(upstream).containsEntry("x-authgear-user-id", AuthgearClaims.USER_ID)
                .containsEntry("x-authgear-user-roles", "admin,editor")
                .containsEntry("x-authgear-session-amr", "pwd mfa otp")
                .containsEntry("x-authgear-session-authenticated-at", String.valueOf(AuthgearClaims.AUTH_TIME))
                .hasSize(8);
    }

    @Test
    void aTokenPastTheLimitIsNotSeenSoTheRequestHasNoSession() throws Exception {
        HttpRequestSpec request = spoofEveryContractName(withFillers(APISIX_LINES)
                .header("Authorization", "Bearer " + validToken())).build();

        assertThat(identityAtUpstream(request)).isEmpty();
    }

    @Test
    void repeatedLinesCountOneEachTowardsTheLimit() throws Exception {
        // 100 lines of one name collapse to one key in the runner's map, yet hide what follows.
        HttpRequestSpec.Builder request = request();
        for (int i = 0; i < APISIX_LINES; i++) {
            request.header("Accept", "*/*");
        }

        assertThat(identityAtUpstream(spoofEveryContractName(request).build())).isEmpty();
    }

    @Test
    void underTheLimitOnlyWhatTheClientSentIsDeleted() throws Exception {
        HttpRequestSpec request = spoofEveryContractName(withFillers(10)).build();
        ReqCallResult result = apisix.call(route, request);

        assertThat(ApisixHarness.identityHeadersAtUpstream(request, result)).isEmpty();
        // the cheap path: one deletion per identity header seen, not one per possible spelling
        assertThat(result.rewriteHeaders()).hasSize(10).allSatisfy(h -> assertThat(h.value()).isNull());
    }

    @Test
    void familyNamesOutsideTheContractPastTheLimitReachTheUpstream() throws Exception {
        // The documented limit (README, "Where APISIX differs"): the runner cannot name a header it never
        // saw beyond the contract's spellings; apisix-conf/ clears the whole family before the runner.
        HttpRequestSpec request = withFillers(APISIX_LINES).header("X-Authgear-Custom", "spoofed").build();

        assertThat(identityAtUpstream(request)).containsExactly(Map.entry("x-authgear-custom", "spoofed"));
    }
}

package io.authgate.apisix.it;

import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the runner front must do beyond the conformance table: fail closed on a bad configuration,
 * answer 503 when keys cannot be had, and never leak a token or a stack trace.
 */
class ApisixFrontIT {
    private static TestIssuer issuer;
    private static ApisixHarness apisix;

    @BeforeAll
    static void start() throws Exception {
        issuer = TestIssuer.start();
        apisix = ApisixHarness.start();
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

    private String validToken() {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
    }

    private static HttpRequestSpec withToken(String token) {
        return HttpRequestSpec.get("/api").header("Authorization", "Bearer " + token)
                .header("X-Authgear-User-Id", "spoofed").build();
    }

    @Test
    void invalidConfigStopsEveryRequestWith500NamingTheKeyAndLogsItOnce() throws Exception {
        String route = "{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"mode\":\"enforce-ish\"}";
        for (int i = 0; i < 3; i++) {
            ReqCallResult result = apisix.call(route, withToken(validToken()));
            assertThat(result.action()).isEqualTo(ReqCallResult.Action.STOP);
            assertThat(result.status()).isEqualTo(500);
            assertThat(result.stopBody()).isEqualTo(
                    "authgate: invalid configuration: mode: \"enforce-ish\" is not a known mode (known: resolve, enforce)\n");
            assertThat(result.stopBody().strip()).doesNotContain("\n");
        }
        assertThat(occurrences(apisix.log(), "authgate: invalid configuration: mode:")).isEqualTo(1);
    }

    @Test
    void enforceModeStopsWithTheChallengeAndNothingReachesTheUpstream() throws Exception {
        String route = "{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"mode\":\"enforce\","
                + "\"policy\":{\"scopes_all\":[\"orders:write\"]}}";
        ReqCallResult none = apisix.call(route, HttpRequestSpec.get("/api").header("X-Authgear-User-Id", "spoofed").build());
        assertThat(none.action()).isEqualTo(ReqCallResult.Action.STOP);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.stopHeaders()).contains(NameValue.of("www-authenticate", "Bearer realm=\"" + issuer.issuer() + "\""));

        ReqCallResult scope = apisix.call(route, withToken(validToken()));
        assertThat(scope.action()).isEqualTo(ReqCallResult.Action.STOP);
        assertThat(scope.status()).isEqualTo(403);
        assertThat(scope.stopHeaders()).contains(NameValue.of("www-authenticate",
                "Bearer realm=\"" + issuer.issuer() + "\", error=\"insufficient_scope\", scope=\"orders:write\""));
        assertThat(scope.stopBody()).contains("\"error\":\"insufficient_scope\"");

        String open = "{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"mode\":\"enforce\"}";
        HttpRequestSpec valid = withToken(validToken());
        assertThat(ApisixHarness.identityHeadersAtUpstream(valid, apisix.call(open, valid)))
                .containsEntry("x-authgear-user-id", io.authgate.testkit.AuthgearClaims.USER_ID);
    }

    /**
     * Issue 15 items 3 and 4 through the runner: the filter answers a page navigation without a
     * session with the 302 itself (APISIX sends a stopped request's status and headers to the client),
     * keeps an API request's challenge, never redirects to a Host outside allowed_origins, and lets a
     * credential-less preflight through with no identity.
     */
    @Test
    void aNavigationIsRedirectedToTheLoginPageAndAPreflightPasses() throws Exception {
        String route = "{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"mode\":\"enforce\",\"allow_cors_preflight\":true,"
                + "\"login_redirect\":{\"url\":\"https://auth.example.com/login\",\"allowed_origins\":[\"https://app.example.com\"]}}";
        String browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        ReqCallResult page = apisix.call(route, HttpRequestSpec.get("/orders/caf\u00e9").queryArg("tab", "a b")
                .header("Host", "app.example.com").upstreamHost("app.example.com") // pass_host: pass, APISIX's default
                .header("Accept", browserAccept).header("Sec-Fetch-Mode", "navigate").build());
        assertThat(page.action()).isEqualTo(ReqCallResult.Action.STOP);
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.stopHeaders()).contains(NameValue.of("location", "https://auth.example.com/login?redirect_uri="
                + java.net.URLEncoder.encode("https://app.example.com/orders/caf%C3%A9?tab=a+b", java.nio.charset.StandardCharsets.UTF_8)),
                NameValue.of("cache-control", "no-store"));

        ReqCallResult api = apisix.call(route, HttpRequestSpec.get("/orders").header("Host", "app.example.com")
                .upstreamHost("app.example.com").header("Accept", "application/json").build());
        assertThat(api.status()).isEqualTo(401);
        assertThat(api.stopHeaders()).contains(NameValue.of("www-authenticate", "Bearer realm=\"" + issuer.issuer() + "\""));

        ReqCallResult forged = apisix.call(route, HttpRequestSpec.get("/").header("Host", "evil.example").upstreamHost("evil.example")
                .header("Accept", browserAccept).build());
        assertThat(forged.status()).as("a Host outside allowed_origins keeps the 401").isEqualTo(401);

        HttpRequestSpec preflight = HttpRequestSpec.builder("OPTIONS", "/orders").header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "PUT").header("X-Authgear-User-Id", "spoofed").build();
        ReqCallResult passed = apisix.call(route, preflight);
        assertThat(passed.action()).as("%s", passed).isNotEqualTo(ReqCallResult.Action.STOP);
        assertThat(ApisixHarness.identityHeadersAtUpstream(preflight, passed)).isEmpty();
    }

    @Test
    void configWithoutEndpointAndMalformedJsonAreRejectedToo() throws Exception {
        ReqCallResult missing = apisix.call("{}", withToken(validToken()));
        assertThat(missing.status()).isEqualTo(500);
        assertThat(missing.stopBody()).startsWith("authgate: invalid configuration: authgear_endpoint: is required");

        ReqCallResult garbage = apisix.call("{not json", withToken(validToken()));
        assertThat(garbage.status()).isEqualTo(500);
        assertThat(garbage.stopBody()).startsWith("authgate: invalid configuration: (document): is not valid JSON");

        ReqCallResult plainHttp = apisix.call("{\"authgear_endpoint\":\"http://auth.example.com\"}", withToken(validToken()));
        assertThat(plainHttp.status()).isEqualTo(500);
        assertThat(plainHttp.stopBody()).contains("authgear_endpoint: must use https");
    }

    @Test
    void keysThatCannotBeHadGive503NotNoSession() throws Exception {
        try (TestIssuer down = TestIssuer.start()) {
            down.failWith(503);
            String route = "{\"authgear_endpoint\":\"" + down.issuer() + "\",\"jwks\":{\"wait_timeout_ms\":500}}";
            String token = new TokenMinter(down.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);

            long started = System.nanoTime();
            ReqCallResult result = apisix.call(route, withToken(token));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(result.action()).isEqualTo(ReqCallResult.Action.STOP);
            assertThat(result.status()).isEqualTo(503);
            assertThat(result.stopHeaders()).contains(NameValue.of("content-type", "application/json"));
            assertThat(result.stopBody()).contains("temporarily_unavailable").doesNotContain(token);
            assertThat(took).isLessThan(Duration.ofSeconds(3));

            // No token, no need for keys: the request still goes through, with no identity.
            ReqCallResult anonymous = apisix.call(route, HttpRequestSpec.get("/").header("X_Authgear_User_Id", "spoofed").build());
            assertThat(anonymous.action()).isEqualTo(ReqCallResult.Action.REWRITE);
            assertThat(ApisixHarness.identityHeadersAtUpstream(
                    HttpRequestSpec.get("/").header("X_Authgear_User_Id", "spoofed").build(), anonymous)).isEmpty();
        }
    }

    @Test
    void keysCachedBeforeAnOutageKeepServing() throws Exception {
        try (TestIssuer flaky = TestIssuer.start()) {
            String route = "{\"authgear_endpoint\":\"" + flaky.issuer() + "\"}";
            TokenMinter minter = new TokenMinter(flaky.issuer());
            HttpRequestSpec first = withToken(minter.mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000));
            assertThat(ApisixHarness.identityHeadersAtUpstream(first, apisix.call(route, first))).containsKey("x-authgear-user-id");

            flaky.failWith(500);
            HttpRequestSpec second = withToken(minter.mint(TokenRecipe.withClaims(Map.of("jti", "another")), System.currentTimeMillis() / 1000));
            assertThat(ApisixHarness.identityHeadersAtUpstream(second, apisix.call(route, second)))
                    .containsEntry("x-authgear-user-id", io.authgate.testkit.AuthgearClaims.USER_ID);
        }
    }

    @Test
    void noTokenEverReachesTheLogAndNoStackTraceIsWritten() throws Exception {
        String route = "{\"authgear_endpoint\":\"" + issuer.issuer() + "\"}";
        String valid = validToken();
        String forged = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID.signedBy("attacker"), System.currentTimeMillis() / 1000);
        apisix.call(route, withToken(valid));
        apisix.call(route, withToken(forged));
        apisix.call(route, withToken("garbage\u00e9"));

        String log = apisix.log();
        assertThat(log).doesNotContain(valid.substring(valid.lastIndexOf('.') + 1));
        assertThat(log).doesNotContain(forged.substring(forged.lastIndexOf('.') + 1));
        assertThat(log).as("no stack frame of ours").doesNotContain("\tat io.authgate");
    }

    private static int occurrences(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}

package io.authgate.apisix.it;

import io.authgate.testkit.ResolverStandIn;
import io.authgate.testkit.StandInSession;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state changes the runner logs through SLF4J (so through the runner's own log4j2 and an APISIX
 * user's set-up), from the real APISIX Java Plugin Runner 0.4.0 with the plugin jar: signing keys
 * down then up, Authgear's resolver down then up, each said once, in the same words as the adapter.
 * No credential the tests hand out appears in the runner's log.
 *
 * <p>Each scenario has an issuer of its own, so the other's failures do not mix in. The JWKS backoff
 * after a failed fetch is 1 s: requests meant to fetch again wait 1.2 s before they go.
 */
class ApisixStateChangeLogsIT {
    private static final Duration LINE_WAIT = Duration.ofSeconds(30);
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private static ApisixHarness apisix;
    private static TestIssuer keysIssuer;
    private static TestIssuer resolverIssuer;

    @BeforeAll
    static void start() throws Exception {
        keysIssuer = TestIssuer.start();
        resolverIssuer = TestIssuer.start();
        apisix = ApisixHarness.start();
    }

    @AfterAll
    static void stop() {
        if (apisix != null) {
            apisix.close();
        }
        if (keysIssuer != null) {
            keysIssuer.close();
        }
        if (resolverIssuer != null) {
            resolverIssuer.close();
        }
    }

    @AfterEach
    void noCredentialInTheRunnersLog() {
        String log = apisix.log();
        for (String secret : SECRETS) {
            assertThat(log).as("the runner's log holds no credential").doesNotContain(secret);
        }
    }

    private static String route(TestIssuer issuer, String more) {
        return "{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"mode\":\"enforce\"" + more + "}";
    }

    private static HttpRequestSpec.Builder request() {
        return HttpRequestSpec.get("/api/orders").header("Host", "api.example.com");
    }

    private static String discovery(TestIssuer issuer) {
        return issuer.issuer() + "/.well-known/openid-configuration";
    }

    private static List<String> linesContaining(String text) {
        return apisix.log().lines().filter(l -> l.contains(text)).toList();
    }

    private static void awaitLine(Pattern line) throws InterruptedException {
        long deadline = System.nanoTime() + LINE_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (apisix.log().lines().anyMatch(l -> line.matcher(l).find())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line matching " + line + " within " + LINE_WAIT + " in the runner's log:\n" + apisix.log());
    }

    @Test
    void keysDownThenUpAreEachSaidOnceAtWarnThenInfo() throws Exception {
        keysIssuer.failWith(503);
        String token = new TokenMinter(keysIssuer.issuer()).mint(
                TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString())), System.currentTimeMillis() / 1000);
        SECRETS.add(token);
        SECRETS.add(token.substring(token.lastIndexOf('.') + 1));
        HttpRequestSpec spec = request().header("Authorization", "Bearer " + token).build();
        String route = route(keysIssuer, "");
        for (int i = 0; i < 3; i++) {
            ReqCallResult down = apisix.call(route, spec);
            assertThat(down.action()).isEqualTo(ReqCallResult.Action.STOP);
            assertThat(down.status()).isEqualTo(503);
            Thread.sleep(1_200);
        }
        keysIssuer.failWith(0);
        assertThat(apisix.call(route, spec).action()).isEqualTo(ReqCallResult.Action.REWRITE);

        awaitLine(Pattern.compile(Pattern.quote("authgate: signing keys loaded from " + discovery(keysIssuer))));
        String source = discovery(keysIssuer);
        List<String> failing = linesContaining("authgate: cannot fetch signing keys from " + source);
        assertThat(failing).as("said once:\n%s", apisix.log()).hasSize(1);
        assertThat(failing.get(0)).contains("WARN").endsWith("authgate: cannot fetch signing keys from " + source + " (http_status): "
                + source + " answered HTTP 503");
        List<String> recovered = linesContaining("authgate: signing keys fetched from " + source);
        assertThat(recovered).as("said once:\n%s", apisix.log()).hasSize(1);
        assertThat(recovered.get(0)).contains("INFO").containsPattern("again after [2-9] failed fetch\\(es\\) over [0-9]+ s$");
        List<String> loaded = linesContaining("authgate: signing keys loaded from " + source);
        assertThat(loaded).hasSize(1);
        assertThat(loaded.get(0)).endsWith(": 2 keys " + new TreeSet<>(List.of(TestIssuer.CURRENT_KID, TestIssuer.PREVIOUS_KID)));
    }

    @Test
    void resolverDownThenUpIsSaidOnceEach() throws Exception {
        ResolverStandIn authgear = resolverIssuer.resolver();
        String route = route(resolverIssuer, ",\"resolver\":{\"timeout_ms\":1000}");
        authgear.failWith(502);
        for (int i = 0; i < 3; i++) {
            ReqCallResult down = apisix.call(route, request().header("Cookie", "app_session=" + freshCookie(authgear)).build());
            assertThat(down.action()).isEqualTo(ReqCallResult.Action.STOP);
            assertThat(down.status()).isEqualTo(503);
        }
        authgear.failWith(0);
        ReqCallResult up = apisix.call(route, request().header("Cookie", "app_session=" + freshCookie(authgear)).build());
        assertThat(up.action()).isEqualTo(ReqCallResult.Action.REWRITE);

        awaitLine(Pattern.compile("authgate: Authgear's resolver answers again"));
        List<String> failing = linesContaining("authgate: Authgear's resolver is failing");
        assertThat(failing).as("said once:\n%s", apisix.log()).hasSize(1);
        assertThat(failing.get(0)).contains("WARN").contains("(status): ").contains("502");
        List<String> recovered = linesContaining("authgate: Authgear's resolver answers again");
        assertThat(recovered).as("said once:\n%s", apisix.log()).hasSize(1);
        assertThat(recovered.get(0)).contains("INFO").containsPattern("after 3 failed call\\(s\\) over [0-9]+ s$");
    }

    private static String freshCookie(ResolverStandIn authgear) {
        String value = "cookie-" + UUID.randomUUID();
        authgear.cookieSession(ResolverStandIn.APP_SESSION, value, StandInSession.defaultUser());
        SECRETS.add(value);
        return value;
    }
}

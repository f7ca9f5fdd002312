package io.authgate.forwardauth.it;

import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TestKeys;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * (Issue 15, item 1) Several Authgear projects behind one adapter, against the built jar: the top
 * level's project A, and rules that name their own by host. Three real issuers over HTTP: A; B with a
 * key of its own (a different RSA key and kid); C with the very same keys as A, so only {@code iss}
 * and {@code aud} tell their tokens apart. A token of one project never resolves on another's rule.
 */
class SeveralProjectsIT {
    private static TestIssuer a;
    private static TestIssuer b;
    private static TestIssuer c;
    private final List<AdapterProcess> adapters = new ArrayList<>();

    @BeforeAll
    static void start() {
        a = TestIssuer.start();
        b = TestIssuer.start();
        b.publish(TestKeys.rsa(TokenMinter.ATTACKER_KID).toPublicJWK());
        c = TestIssuer.start();
    }

    @AfterAll
    static void stop() {
        for (TestIssuer i : new TestIssuer[] {a, b, c}) {
            if (i != null) {
                i.close();
            }
        }
    }

    @AfterEach
    void closeAdapters() {
        adapters.forEach(AdapterProcess::close);
    }

    private AdapterProcess adapter() throws IOException {
        AdapterProcess p = AdapterProcess.start("authgear_endpoint: " + a.issuer() + "\n"
                + "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n"
                + "mode: enforce\n"
                + "rules:\n"
                + "  - match: {host: b.example}\n"
                + "    authgear_endpoint: " + b.issuer() + "\n"
                + "    mode: enforce\n"
                + "    claims_to_headers: {x-myapp-project: project}\n"
                + "  - match: {host: c.example}\n"
                + "    authgear_endpoint: " + c.issuer() + "\n"
                + "    mode: enforce\n");
        adapters.add(p);
        return p;
    }

    /** A token of project B: signed with B's own key, under its kid. */
    private static String tokenOfB() {
        TokenRecipe recipe = new TokenRecipe(Map.of("kid", TokenMinter.ATTACKER_KID), Map.of("project", "b"), "attacker", null, 0);
        return new TokenMinter(b.issuer()).mint(recipe, System.currentTimeMillis() / 1000);
    }

    private static String tokenOf(TestIssuer issuer) {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("project", "a-or-c")), System.currentTimeMillis() / 1000);
    }

    private static RawHttp.Response ask(AdapterProcess adapter, String host, String token) throws IOException {
        int port = adapter.decisionPort();
        return RawHttp.exchange(port, RawHttp.get("/_resolver/resolve", port, "X-Forwarded-Method", "GET",
                "X-Forwarded-Uri", "/api", "X-Forwarded-Host", host, "Authorization", "Bearer " + token));
    }

    @Test
    void eachRuleResolvesOnlyItsOwnProjectsTokens() throws Exception {
        AdapterProcess adapter = adapter();

        assertThat(ask(adapter, "a.example", tokenOf(a)).status()).as("A's token on A (the top level)").isEqualTo(200);
        RawHttp.Response bOnB = ask(adapter, "b.example", tokenOfB());
        assertThat(bOnB.status()).as("B's token on B's rule").isEqualTo(200);
        assertThat(bOnB.header("x-authgear-user-id")).isNotNull();
        assertThat(bOnB.header("x-myapp-project")).as("B's rule maps its own claims").isEqualTo("b");
        assertThat(ask(adapter, "c.example", tokenOf(c)).status()).as("C's token on C's rule").isEqualTo(200);

        // Another key: B does not publish A's key, A does not publish B's.
        assertThat(ask(adapter, "b.example", tokenOf(a)).status()).as("A's token on B's rule").isEqualTo(401);
        assertThat(ask(adapter, "a.example", tokenOfB()).status()).as("B's token on A").isEqualTo(401);
        // The same key: only iss and aud differ, and they decide.
        assertThat(ask(adapter, "c.example", tokenOf(a)).status()).as("A's token (same key) on C's rule").isEqualTo(401);
        assertThat(ask(adapter, "a.example", tokenOf(c)).status()).as("C's token (same key) on A").isEqualTo(401);
        // Already cached on one project, still refused on the other (one token cache per project).
        assertThat(ask(adapter, "a.example", tokenOf(a)).status()).isEqualTo(200);
        assertThat(ask(adapter, "c.example", tokenOf(a)).status()).isEqualTo(401);
    }

    /**
     * The cache gauges are each project's, labelled by its authgear_endpoint: a token cached on B's
     * rule is in B's token cache and nowhere else; a cookie resolved on C's rule is in C's resolver cache.
     */
    @Test
    void cacheGaugesAreLabelledByProject() throws Exception {
        AdapterProcess adapter = adapter();
        assertThat(ask(adapter, "b.example", tokenOfB()).status()).isEqualTo(200);
        assertThat(ask(adapter, "a.example", tokenOf(a)).status()).isEqualTo(200);
        int port = adapter.decisionPort();
        assertThat(RawHttp.exchange(port, RawHttp.get("/_resolver/resolve", port, "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/api",
                "X-Forwarded-Host", "c.example", "Cookie", "app_session=" + io.authgate.testkit.ResolverStandIn.SEEDED_APP_SESSION))
                .header("x-authgear-user-id")).as("C's cookie on C's rule").isNotNull();

        Map<String, Double> metrics = PrometheusScrape.scrape(adapter.adminPort());
        assertThat(metrics.get(series("authgate_token_cache_entries", a))).as("A's token cache").isEqualTo(1.0);
        assertThat(metrics.get(series("authgate_token_cache_entries", b))).as("B's token cache").isEqualTo(1.0);
        assertThat(metrics.get(series("authgate_token_cache_entries", c))).as("C's token cache").isEqualTo(0.0);
        assertThat(metrics.get(series("authgate_resolver_cache_entries", c))).as("C's resolver cache").isEqualTo(1.0);
        assertThat(metrics.get(series("authgate_resolver_cache_entries", a))).as("A's resolver cache").isEqualTo(0.0);
        for (TestIssuer project : new TestIssuer[] {a, b, c}) {
            assertThat(metrics.get(series("authgate_token_cache_max_bytes", project))).as("budget of %s", project.issuer()).isPositive();
        }
        assertThat(metrics.keySet()).as("no unlabelled cache gauge").doesNotContain("authgate_token_cache_entries", "authgate_resolver_cache_entries");
    }

    private static String series(String name, TestIssuer project) {
        return name + "{project=\"" + project.issuer() + "\"}";
    }

    /** Readiness is every project's: the adapter is not ready while one project's keys cannot be loaded. */
    @Test
    void readinessWaitsForEveryProjectsKeys() throws Exception {
        TestIssuer d = TestIssuer.start();
        try {
            d.failWith(503);
            AdapterProcess adapter = AdapterProcess.start("authgear_endpoint: " + a.issuer() + "\n"
                    + "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n"
                    + "rules:\n  - match: {host: d.example}\n    authgear_endpoint: " + d.issuer() + "\n");
            adapters.add(adapter);
            int admin = adapter.adminPort();
            // A's keys load at once; D's never while it fails. Give A ample time on a loaded machine.
            Thread.sleep(3_000);
            assertThat(RawHttp.exchange(admin, RawHttp.get("/readyz", admin)).status()).as("D's keys are missing").isEqualTo(503);

            d.failWith(0);
            int status = 0;
            for (long end = System.nanoTime() + 30_000_000_000L; System.nanoTime() < end && status != 200; Thread.sleep(200)) {
                status = RawHttp.exchange(admin, RawHttp.get("/readyz", admin)).status();
            }
            assertThat(status).as("ready once D serves its keys").isEqualTo(200);
        } finally {
            d.close();
        }
    }
}

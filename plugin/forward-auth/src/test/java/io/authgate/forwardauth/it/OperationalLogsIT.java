package io.authgate.forwardauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.ResolverStandIn;
import io.authgate.testkit.StandInSession;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter's log as an operator reads it, from the built jar in its own process against a real
 * issuer over HTTP: the one start-up line, each state change of the signing keys and of Authgear's
 * resolver said once (keys down then up, resolver down then up), the opt-in decision log, the JSON
 * format, and the metrics that go with them (scraped from the admin port). Every test hands out real
 * credentials (signed tokens, session cookies) and then finds none of them, nor a token's signature,
 * nor another header's value, anywhere in the log.
 *
 * <p>Timing on a loaded 2-core machine: the JWKS backoff after a failure is 1 s, so "up again" waits
 * 1.5 s before the request that fetches; every wait for a line allows 30 s.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OperationalLogsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LINE_WAIT = Duration.ofSeconds(30);
    /** Not a credential, but a header value the decision log must not carry either. */
    private static final String OTHER_HEADER_VALUE = "do-not-log-this-header-value";

    private final List<AutoCloseable> started = new ArrayList<>();
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();
    private final List<AdapterProcess> adapters = new ArrayList<>();

    @AfterEach
    void noCredentialInAnyLogThenStop() throws Exception {
        try {
            for (AdapterProcess adapter : adapters) {
                String log = adapter.log();
                assertThat(log).as("the log was read").contains("listening: decisions");
                for (String secret : secrets) {
                    assertThat(log).as("the log must not hold a credential or another header's value").doesNotContain(secret);
                }
            }
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
        }
    }

    private TestIssuer issuer() {
        TestIssuer issuer = TestIssuer.start();
        started.add(issuer);
        return issuer;
    }

    private AdapterProcess adapter(TestIssuer issuer, Map<String, Object> config) throws IOException {
        Map<String, Object> full = new LinkedHashMap<>(config);
        full.put("authgear_endpoint", issuer.issuer());
        full.put("listen", "127.0.0.1:0");
        full.put("admin_listen", "127.0.0.1:0");
        AdapterProcess adapter = AdapterProcess.start(JSON.writeValueAsString(full)); // JSON is YAML
        started.add(adapter);
        adapters.add(adapter);
        return adapter;
    }

    private String token(TestIssuer issuer, Map<String, Object> claims) {
        Map<String, Object> all = new LinkedHashMap<>(claims);
        all.put("jti", UUID.randomUUID().toString());
        String token = new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(all), System.currentTimeMillis() / 1000);
        secrets.add(token);
        secrets.add(token.substring(token.lastIndexOf('.') + 1));
        return token;
    }

    private String cookie(TestIssuer issuer) {
        String value = "app-session-" + UUID.randomUUID();
        issuer.resolver().cookieSession(ResolverStandIn.APP_SESSION, value, StandInSession.defaultUser());
        secrets.add(value);
        return value;
    }

    /** As Traefik asks: the original request in X-Forwarded-*, plus a header whose value must not be logged. */
    private RawHttp.Response ask(AdapterProcess adapter, String method, String uri, String... nameValues) throws IOException {
        secrets.add(OTHER_HEADER_VALUE);
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(
                Map.entry("X-Forwarded-Method", method), Map.entry("X-Forwarded-Host", "app.example.com"),
                Map.entry("X-Forwarded-Uri", uri), Map.entry("X-Request-Note", OTHER_HEADER_VALUE)));
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.add(Map.entry(nameValues[i], nameValues[i + 1]));
        }
        int port = adapter.decisionPort();
        return RawHttp.exchange(port, RawHttp.request("GET", "/_resolver/resolve", port, headers));
    }

    private static List<String> lines(AdapterProcess adapter, Predicate<String> which) {
        return adapter.log().lines().filter(which).toList();
    }

    private static List<String> linesStarting(AdapterProcess adapter, String prefix) {
        return lines(adapter, l -> l.startsWith(prefix));
    }

    /** Waits until the log holds a line matching {@code line}. */
    private static void awaitLine(AdapterProcess adapter, Pattern line) throws InterruptedException {
        long deadline = System.nanoTime() + LINE_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (adapter.log().lines().anyMatch(l -> line.matcher(l).matches())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line matching " + line + " within " + LINE_WAIT + ":\n" + adapter.log());
    }

    private static List<JsonNode> decisions(AdapterProcess adapter, int atLeast) throws Exception {
        long deadline = System.nanoTime() + LINE_WAIT.toNanos();
        List<JsonNode> out = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            out.clear();
            for (String l : lines(adapter, l -> l.startsWith("{\"time\"") && l.contains("\"event\":\"decision\""))) {
                out.add(JSON.readTree(l));
            }
            if (out.size() >= atLeast) {
                return out;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("fewer than " + atLeast + " decision lines:\n" + adapter.log());
    }

    private static String discovery(TestIssuer issuer) {
        return issuer.issuer() + "/.well-known/openid-configuration";
    }

    private static Map<String, Double> scrape(AdapterProcess adapter) throws IOException {
        return PrometheusScrape.scrape(adapter.adminPort());
    }

    @Test
    void theStartUpLineSaysWhatRunsAgainstWhichIssuerAndWhere() throws Exception {
        TestIssuer issuer = issuer();
        AdapterProcess adapter = adapter(issuer, Map.of("mode", "enforce",
                "rules", List.of(Map.of("match", Map.of("path_prefix", "/public"), "mode", "resolve"),
                        Map.of("match", Map.of("path_prefix", "/health"), "mode", "resolve"))));

        List<String> start = linesStarting(adapter, "authgate forward-auth listening");
        assertThat(start).hasSize(1);
        assertThat(start.get(0)).matches(Pattern.quote("authgate forward-auth listening: decisions http://127.0.0.1:" + adapter.decisionPort()
                + "/_resolver/resolve, admin http://127.0.0.1:" + adapter.adminPort() + " (/healthz /readyz /metrics); version ")
                + "[0-9A-Za-z.+-]+" + Pattern.quote(", issuer " + issuer.issuer() + ", jwks discovered from " + discovery(issuer)
                + ", mode enforce, 2 rules, resolver on"));
        awaitLine(adapter, Pattern.compile(Pattern.quote("authgate: signing keys loaded from " + discovery(issuer) + ": 2 keys [")
                + ".*\\]"));
    }

    @Test
    void keysDownThenUpIsSaidOnceEachAndTheLastSuccessTimeFollows() throws Exception {
        TestIssuer issuer = issuer();
        issuer.failWith(503);
        AdapterProcess adapter = adapter(issuer, Map.of("resolver", false));
        assertThat(linesStarting(adapter, "authgate forward-auth listening")).singleElement().asString()
                .endsWith(", mode resolve, 0 rules, resolver off");
        String failing = "authgate: cannot fetch signing keys from " + discovery(issuer) + " (http_status): " + discovery(issuer)
                + " answered HTTP 503";
        awaitLine(adapter, Pattern.compile(Pattern.quote(failing)));
        String lastSuccess = "authgate_jwks_last_success_timestamp_seconds{jwks_uri=\"" + discovery(issuer) + "\"}";
        assertThat(scrape(adapter)).containsEntry(lastSuccess, 0.0);

        String token = token(issuer, Map.of());
        for (int i = 0; i < 3; i++) {
            RawHttp.Response down = ask(adapter, "GET", "/api", "Authorization", "Bearer " + token);
            assertThat(down.status()).as("keys cannot be had: %s", down).isEqualTo(503);
            Thread.sleep(1_200); // past the 1 s backoff: each request tries again, and fails again
        }
        issuer.failWith(0);
        long upAtSeconds = System.currentTimeMillis() / 1000;
        RawHttp.Response up = ask(adapter, "GET", "/api", "Authorization", "Bearer " + token);
        assertThat(up.status()).as("keys fetched again: %s", up).isEqualTo(200);

        awaitLine(adapter, Pattern.compile("authgate: signing keys loaded from .*"));
        List<String> keyLines = lines(adapter, l -> l.contains("signing keys"));
        assertThat(keyLines).as("each state change once, in order:\n%s", adapter.log()).hasSize(3);
        assertThat(keyLines.get(0)).isEqualTo(failing);
        assertThat(keyLines.get(1)).matches(Pattern.quote("authgate: signing keys fetched from " + discovery(issuer) + " again after ")
                + "[2-9] failed fetch\\(es\\) over [0-9]+ s");
        assertThat(keyLines.get(2)).isEqualTo("authgate: signing keys loaded from " + discovery(issuer) + ": 2 keys "
                + List.copyOf(new java.util.TreeSet<>(List.of(TestIssuer.CURRENT_KID, TestIssuer.PREVIOUS_KID))));

        Map<String, Double> metrics = scrape(adapter);
        assertThat(metrics.get(lastSuccess)).as("last success, epoch seconds").isBetween(upAtSeconds - 5.0, upAtSeconds + 60.0);
        assertThat(metrics.get("authgate_decisions_total{outcome=\"keys_unavailable\"}")).isEqualTo(3.0);
    }

    @Test
    void resolverDownThenUpIsSaidOnceEachAndItsDenialsAreCountedAsResolverUnavailable() throws Exception {
        TestIssuer issuer = issuer();
        AdapterProcess adapter = adapter(issuer, Map.of("resolver", Map.of("timeout_ms", 1000)));
        issuer.resolver().failWith(502);

        for (int i = 0; i < 4; i++) {
            RawHttp.Response down = ask(adapter, "GET", "/api", "Cookie", ResolverStandIn.APP_SESSION + "=" + cookie(issuer));
            assertThat(down.status()).as("Authgear does not answer (on_error: deny): %s", down).isEqualTo(503);
        }
        issuer.resolver().failWith(0);
        RawHttp.Response up = ask(adapter, "GET", "/api", "Cookie", ResolverStandIn.APP_SESSION + "=" + cookie(issuer));
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.header("x-authgear-user-id")).isEqualTo(AuthgearClaims.USER_ID);
        Map<String, Double> metrics = scrape(adapter);
        assertThat(metrics.get("authgate_decisions_total{outcome=\"resolver_unavailable\"}")).as("Authgear's outage").isEqualTo(4.0);
        assertThat(metrics.get("authgate_decisions_total{outcome=\"internal_error\"}")).as("not authgate's fault").isZero();

        awaitLine(adapter, Pattern.compile("authgate: Authgear's resolver answers again .*"));
        List<String> resolverLines = lines(adapter, l -> l.contains("Authgear's resolver"));
        assertThat(resolverLines).as("each state change once:\n%s", adapter.log()).hasSize(2);
        assertThat(resolverLines.get(0)).startsWith("authgate: Authgear's resolver is failing (status): ").contains("502");
        assertThat(resolverLines.get(1)).matches("authgate: Authgear's resolver answers again after 4 failed call\\(s\\) over [0-9]+ s");

    }

    @Test
    void theDecisionLogHasOneJsonObjectPerDecisionWithTheRequestTheOutcomeTheRuleAndTheUserButNoCredential() throws Exception {
        TestIssuer issuer = issuer();
        AdapterProcess adapter = adapter(issuer, Map.of("decision_log", true, "envoy_path_prefix", "/ext_authz",
                "rules", List.of(Map.of("match", Map.of("path_prefix", "/admin"), "mode", "enforce"))));
        String valid = token(issuer, Map.of());
        String expired = token(issuer, Map.of("exp", System.currentTimeMillis() / 1000 - 3600));
        // What a client may put in a path: quotes, a backslash, a tab, non-ASCII (UTF-8 bytes on the wire).
        String oddPath = "/q\"uo\\te\tcaf\u00e9";
        String oddOnTheWire = new String(oddPath.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);

        assertThat(ask(adapter, "GET", "/api/orders?secret=query-value", "Authorization", "Bearer " + valid).status()).isEqualTo(200);
        assertThat(ask(adapter, "POST", "/admin/users", "Authorization", "Bearer " + expired).status()).isEqualTo(401);
        assertThat(ask(adapter, "GET", "/api", "Cookie", ResolverStandIn.APP_SESSION + "=" + cookie(issuer)).status()).isEqualTo(200);
        // A path rule exists, so a backslash or a control character makes the path ambiguous: refused.
        assertThat(ask(adapter, "GET", oddOnTheWire).status()).isEqualTo(403);
        int port = adapter.decisionPort();
        assertThat(RawHttp.exchange(port, RawHttp.get("/elsewhere", port)).status()).isEqualTo(404);
        // As Envoy asks: the original request line under the prefix, and its Host.
        assertThat(RawHttp.exchange(port, RawHttp.request("POST", "/ext_authz/orders/7?secret=query-value", port,
                List.of(Map.entry("Host", "shop.example.com")))).status()).isEqualTo(200);
        secrets.add("query-value");

        List<JsonNode> d = decisions(adapter, 6);
        assertThat(d).hasSize(6);
        assertThat(d.get(0).toString()).doesNotContain("authorization");
        JsonNode session = d.get(0);
        assertThat(session.get("method").textValue()).isEqualTo("GET");
        assertThat(session.get("host").textValue()).isEqualTo("app.example.com");
        assertThat(session.get("path").textValue()).as("no query").isEqualTo("/api/orders");
        assertThat(session.get("status").intValue()).isEqualTo(200);
        assertThat(session.get("outcome").textValue()).isEqualTo("session");
        assertThat(session.get("rule").textValue()).isEqualTo("default");
        assertThat(session.has("reason")).isFalse();
        assertThat(session.get("user_id").textValue()).isEqualTo(AuthgearClaims.USER_ID);
        assertThat(session.get("latency_ms").doubleValue()).isGreaterThanOrEqualTo(0.0).isLessThan(30_000.0);
        assertThat(java.time.Instant.parse(session.get("time").textValue())).isNotNull();

        JsonNode denied = d.get(1);
        assertThat(denied.get("method").textValue()).isEqualTo("POST");
        assertThat(denied.get("path").textValue()).isEqualTo("/admin/users");
        assertThat(denied.get("status").intValue()).isEqualTo(401);
        assertThat(denied.get("outcome").textValue()).isEqualTo("denied");
        assertThat(denied.get("rule").textValue()).isEqualTo("rules[0]");
        assertThat(denied.get("reason").textValue()).as("the token's rejection").isEqualTo("expired");
        assertThat(denied.has("user_id")).isFalse();

        assertThat(d.get(2).get("outcome").textValue()).as("a cookie session through Authgear's resolver").isEqualTo("session");
        assertThat(d.get(2).get("user_id").textValue()).isEqualTo(AuthgearClaims.USER_ID);

        JsonNode ambiguous = d.get(3);
        assertThat(ambiguous.get("path").textValue()).as("escaped, and read back as sent").isEqualTo(oddPath);
        assertThat(ambiguous.get("status").intValue()).isEqualTo(403);
        assertThat(ambiguous.get("outcome").textValue()).isEqualTo("denied");
        assertThat(ambiguous.get("reason").textValue()).isEqualTo("ambiguous_path");
        assertThat(ambiguous.has("rule")).as("refused before any rule").isFalse();

        JsonNode notFound = d.get(4);
        assertThat(notFound.get("status").intValue()).isEqualTo(404);
        assertThat(notFound.get("outcome").textValue()).isEqualTo("not_found");
        assertThat(notFound.get("path").textValue()).isEqualTo("/elsewhere");

        JsonNode envoy = d.get(5);
        assertThat(envoy.get("method").textValue()).isEqualTo("POST");
        assertThat(envoy.get("host").textValue()).isEqualTo("shop.example.com");
        assertThat(envoy.get("path").textValue()).isEqualTo("/orders/7");
        assertThat(envoy.get("outcome").textValue()).isEqualTo("no_session");
        assertThat(envoy.get("rule").textValue()).isEqualTo("default");
    }

    @Test
    void withLogFormatJsonEveryLineIsOneJsonObject() throws Exception {
        TestIssuer issuer = issuer();
        AdapterProcess adapter = adapter(issuer, Map.of("log_format", "json", "decision_log", true));
        awaitLine(adapter, Pattern.compile(".*\"event\":\"jwks_loaded\".*"));
        assertThat(ask(adapter, "GET", "/x", "Authorization", "Bearer " + token(issuer, Map.of())).status()).isEqualTo(200);
        decisions(adapter, 1);
        assertThat(adapter.terminate(Duration.ofSeconds(30))).isZero();

        List<JsonNode> all = new ArrayList<>();
        for (String line : adapter.log().lines().filter(l -> !l.isBlank()).toList()) {
            all.add(JSON.readTree(line)); // fails the test on any line that is not JSON
        }
        List<String> events = all.stream().map(n -> n.get("event").textValue()).toList();
        // The keys are fetched in the background at start, so their line may come before or after the start line.
        assertThat(events.subList(0, 2)).containsExactlyInAnyOrder("started", "jwks_loaded");
        assertThat(events.subList(2, events.size())).containsExactly("decision", "stopping", "stopped");
        JsonNode start = all.get(events.indexOf("started"));
        assertThat(start.get("issuer").textValue()).isEqualTo(issuer.issuer());
        assertThat(start.get("decisions").textValue()).isEqualTo("http://127.0.0.1:" + adapter.decisionPort() + "/_resolver/resolve");
        assertThat(start.get("resolver").booleanValue()).isTrue();
        JsonNode loaded = all.get(events.indexOf("jwks_loaded"));
        assertThat(loaded.get("level").textValue()).isEqualTo("info");
        assertThat(loaded.get("jwks_uri").textValue()).isEqualTo(discovery(issuer));
        assertThat(loaded.get("kids").size()).isEqualTo(2);
    }
}

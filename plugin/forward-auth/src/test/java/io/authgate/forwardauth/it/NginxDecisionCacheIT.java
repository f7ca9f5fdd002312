package io.authgate.forwardauth.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.AuthgearWebhooks;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision cache of {@code nginx-conf/authgate.conf} as shipped (Debian's nginx 1.22, the built
 * adapter jar, a {@link TestIssuer} over HTTP, an {@link UpstreamEcho}): nginx reuses authgate's
 * answers only as long as their {@code Cache-Control} says, so no cached answer outlives a token's
 * exp, a {@code live} route is never answered from the cache, no two requests authgate would answer
 * differently share an entry, and nothing a client sends besides its credentials reaches the key.
 * Whether nginx answered from its cache is read from the adapter's decision counters: a request
 * nginx answered itself is not counted.
 *
 * <p>Two controls run the same checks against the seed's recipe (Authgear's documented
 * {@code proxy_cache_valid 200 10m}, key {@code $cookie_session|$http_authorization}, the older
 * {@code |}-separated key) and assert that it does go wrong: what the checks detect is real.
 *
 * <p>Timing: the expiry test needs a token that lives long enough to be cached (4 s: with 2 s left,
 * authgate's max-age would already be 0) and asserts only "never valid at or after exp", plus at
 * least one cache hit before it; nothing waits on a window narrower than a second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NginxDecisionCacheIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OTHER_USER = "7f0c1d2e-3b4a-4c5d-8e6f-a0b1c2d3e4f5";
    private static final String SESSION = "authgate_decisions_total{outcome=\"session\"}";
    private static final String NO_SESSION = "authgate_decisions_total{outcome=\"no_session\"}";
    private static final String DENIED = "authgate_decisions_total{outcome=\"denied\"}";

    private TestIssuer issuer;
    private UpstreamEcho upstream;
    private AdapterProcess adapter;
    private GatewayProcess nginx;
    private final List<AutoCloseable> others = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        issuer = TestIssuer.start();
        upstream = UpstreamEcho.start();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("authgear_endpoint", issuer.issuer());
        config.put("listen", "127.0.0.1:0");
        config.put("admin_listen", "127.0.0.1:0");
        config.put("rules", List.of(
                Map.of("match", Map.of("path_prefix", "/live"), "live", true),
                Map.of("match", Map.of("path_prefix", "/admin"), "mode", "enforce", "policy", Map.of("roles_any", List.of("superuser"))),
                Map.of("match", Map.of("path_prefix", "/browser"), "mode", "enforce", "allow_cors_preflight", true,
                        "login_redirect", Map.of("url", "https://auth.example.com/login", "allowed_origins", List.of("http://127.0.0.1")))));
        adapter = AdapterProcess.start(JSON.writeValueAsString(config));
        nginx = nginx(GatewayProcess.NginxOptions.RECIPE_WITH_UNDERSCORES);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : others) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
        Stream.of(nginx, adapter, upstream, issuer).filter(c -> c != null).forEach(c -> {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        });
    }

    private GatewayProcess nginx(GatewayProcess.NginxOptions options) throws IOException {
        return GatewayProcess.nginx("127.0.0.1:" + adapter.decisionPort(), "127.0.0.1:" + upstream.port(), options);
    }

    // --- authgate's answers ----------------------------------------------------------------------

    @Test
    void theAdapterSaysHowLongEachAnswerMayBeReused() throws Exception {
        assertThat(direct("/api/orders", bearer(token(Map.of()))).header("cache-control")).isEqualTo("max-age=5");
        assertThat(direct("/api/orders").header("cache-control")).as("no session").isEqualTo("max-age=1");
        assertThat(direct("/api/orders", bearer("not.a.token")).header("cache-control")).as("a rejected token: no session").isEqualTo("max-age=1");
        assertThat(direct("/live/orders", bearer(token(Map.of()))).header("cache-control")).as("live").isEqualTo("no-store");
        RawHttp.Response denied = direct("/admin/users", bearer(token(Map.of())));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.header("cache-control")).as("a denial").isEqualTo("no-store");
        RawHttp.Response challenged = direct("/admin/users");
        assertThat(challenged.status()).isEqualTo(401);
        assertThat(challenged.header("cache-control")).as("a challenge").isEqualTo("no-store");
        for (RawHttp.Response r : List.of(denied, challenged, direct("/api/orders", bearer(token(Map.of()))))) {
            assertThat(r.headers("set-cookie")).as("never Set-Cookie\n%s", r.rawHead()).isEmpty();
        }
    }

    // --- through nginx as shipped ----------------------------------------------------------------

    @Test
    void aRepeatedTokenIsAnsweredByNginxItself() throws Exception {
        String token = token(Map.of());
        Map<String, Double> before = metrics();
        for (int i = 0; i < 10; i++) {
            assertThat(identity(send(nginx, "/api/orders", bearer(token)))).containsEntry("x-authgear-user-id", AuthgearClaims.USER_ID);
        }
        double decided = PrometheusScrape.delta(before, metrics(), SESSION);
        assertThat(decided).as("decisions authgate made for 10 requests within a second or two").isBetween(1.0, 3.0);
    }

    @Test
    void noCachedAnswerOutlivesTheTokensExp() throws Exception {
        long exp = System.currentTimeMillis() / 1000 + 4;
        String token = token(Map.of("exp", exp));
        Map<String, Double> before = metrics();
        int validAnswers = 0;
        List<String> afterExp = new ArrayList<>();
        while (System.currentTimeMillis() < exp * 1000 + 1_500) {
            long sentAt = System.currentTimeMillis();
            Map<String, String> seen = identity(send(nginx, "/api/orders", bearer(token)));
            if (sentAt >= exp * 1000) {
                afterExp.add(seen.getOrDefault("x-authgear-user-id", "(none)"));
                assertThat(seen).as("sent %d ms after exp", sentAt - exp * 1000).isEmpty();
            } else if (!seen.isEmpty()) {
                validAnswers++;
            }
            Thread.sleep(50);
        }
        double decided = PrometheusScrape.delta(before, metrics(), SESSION);
        assertThat(afterExp).as("requests sent at or after exp").isNotEmpty();
        assertThat(decided).as("authgate decided fewer sessions than nginx let through (%d): the cache was used", validAnswers)
                .isLessThan(validAnswers);
    }

    @Test
    void aLiveRouteIsNeverAnsweredFromTheCache() throws Exception {
        String token = token(Map.of());
        Map<String, Double> before = metrics();
        for (int i = 0; i < 8; i++) {
            assertThat(identity(send(nginx, "/live/orders", bearer(token)))).containsEntry("x-authgear-session-valid", "true");
            assertThat(send(nginx, "/live/orders").status()).isEqualTo(200);
        }
        Map<String, Double> after = metrics();
        assertThat(PrometheusScrape.delta(before, after, SESSION)).as("every live request with a session decided by authgate").isEqualTo(8.0);
        assertThat(PrometheusScrape.delta(before, after, NO_SESSION)).as("and every one without").isEqualTo(8.0);
    }

    @Test
    void aDenialIsNeverAnsweredFromTheCache() throws Exception {
        String token = token(Map.of());
        Map<String, Double> before = metrics();
        for (int i = 0; i < 4; i++) {
            assertThat(send(nginx, "/admin/users", bearer(token)).status()).isEqualTo(403);
            assertThat(send(nginx, "/admin/users").status()).isEqualTo(401);
        }
        assertThat(PrometheusScrape.delta(before, metrics(), DENIED)).isEqualTo(8.0);
    }

    @Test
    void twoTokensNeverShareAnEntry() throws Exception {
        String mine = token(Map.of());
        String theirs = token(Map.of("sub", OTHER_USER));
        for (int i = 0; i < 3; i++) {
            assertThat(identity(send(nginx, "/api/orders", bearer(mine)))).containsEntry("x-authgear-user-id", AuthgearClaims.USER_ID);
            assertThat(identity(send(nginx, "/api/orders", bearer(theirs)))).containsEntry("x-authgear-user-id", OTHER_USER);
            assertThat(identity(send(nginx, "/api/orders"))).as("no credentials").isEmpty();
            assertThat(identity(send(nginx, "/api/orders", bearer(mine), cookie("app_session=x")))).as("same token, a cookie too")
                    .containsEntry("x-authgear-user-id", AuthgearClaims.USER_ID);
        }
    }

    /** With "|" between the parts, token "T" with cookie "x|" and token "T|x" alone would be one key. */
    @Test
    void noPartOfTheKeyCanPassForAnother() throws Exception {
        String token = token(Map.of());
        assertThat(identity(send(nginx, "/api/orders", bearer(token), cookie("app_session=x|"))))
                .containsEntry("x-authgear-user-id", AuthgearClaims.USER_ID);
        assertThat(identity(send(nginx, "/api/orders", bearer(token + "|x")))).as("a token that does not verify").isEmpty();
    }

    @Test
    void aCachedAllowForOneRouteIsNotServedForAnother() throws Exception {
        String token = token(Map.of());
        assertThat(identity(send(nginx, "/api/orders", bearer(token)))).containsEntry("x-authgear-user-id", AuthgearClaims.USER_ID);
        assertThat(send(nginx, "/admin/users", bearer(token)).status()).as("the rule for /admin refuses this token").isEqualTo(403);
        assertThat(send(nginx, "/admin/users", bearer(token), Map.entry("X-Forwarded-Uri", "/api/orders")).status())
                .as("whatever X-Forwarded-Uri the client sends").isEqualTo(403);
    }

    @Test
    void identityHeadersFromTheClientCannotPoisonTheCache() throws Exception {
        String token = token(Map.of());
        List<Map.Entry<String, String>> spoofed = new ArrayList<>(GatewayContractTests.SPOOFED);
        spoofed.add(Map.entry("X-Forwarded-Uri", "/admin/users"));
        spoofed.add(Map.entry("X-Forwarded-Method", "DELETE"));
        Map<String, List<String>> expected = new TreeMap<>();
        GatewayContractTests.VALID.forEach((name, value) -> expected.put(name, List.of(value)));

        // First the spoofing requests, so that whatever they leave in the cache is what is read next.
        assertThat(identityAll(send(nginx, "/api/orders", spoofed.toArray(Map.Entry[]::new)))).as("no token, spoofed").isEmpty();
        List<Map.Entry<String, String>> withToken = new ArrayList<>(spoofed);
        withToken.add(bearer(token));
        assertThat(identityAll(send(nginx, "/api/orders", withToken.toArray(Map.Entry[]::new)))).as("token, spoofed").isEqualTo(expected);

        assertThat(identityAll(send(nginx, "/api/orders"))).as("no token, nothing spoofed").isEmpty();
        assertThat(identityAll(send(nginx, "/api/orders", bearer(token)))).as("token, nothing spoofed").isEqualTo(expected);
    }

    @Test
    void theCacheHoldsEntriesNoOtherUserCanRead() throws Exception {
        send(nginx, "/api/orders", bearer(token(Map.of())));
        Path cache = nginx.dir().resolve("cache");
        List<Path> all;
        try (Stream<Path> walk = Files.walk(cache)) {
            all = walk.filter(p -> !p.equals(cache)).toList();
        }
        assertThat(all).as("entries under %s", cache).anyMatch(Files::isRegularFile);
        for (Path p : all) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
            assertThat(mode).as("%s", p).doesNotContain(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_EXECUTE);
        }
    }

    // --- the seed's recipe, for contrast ---------------------------------------------------------

    /** Authgear's documented recipe in front of authgate: a fixed 10 minutes, whatever the answer says. */
    @Test
    void theSeedRecipeAnswersATokenPastItsExpFromItsCache() throws Exception {
        GatewayProcess seed = nginx(new GatewayProcess.NginxOptions(true, true, List.of(
                Map.entry("proxy_cache_key \"$request_method\\n$scheme\\n$host\\n$request_uri\\n$http_authorization\\n$http_cookie\\n$http_origin\\n$http_access_control_request_method\";",
                        "proxy_cache_key \"$cookie_session|$http_authorization\"; proxy_cache_valid 200 10m;"
                                + " proxy_ignore_headers Cache-Control;"))));
        others.add(seed);
        long exp = System.currentTimeMillis() / 1000 + 2;
        String token = token(Map.of("exp", exp));
        assertThat(identity(send(seed, "/api/orders", bearer(token)))).containsEntry("x-authgear-user-id", AuthgearClaims.USER_ID);
        Thread.sleep(Math.max(0, exp * 1000 + 500 - System.currentTimeMillis()));
        assertThat(identity(send(seed, "/api/orders", bearer(token)))).as("the seed recipe, after exp")
                .containsEntry("x-authgear-user-id", AuthgearClaims.USER_ID);
        assertThat(identity(send(seed, "/live/orders", bearer(token)))).as("and on a live route, which it never asked about")
                .containsEntry("x-authgear-user-id", AuthgearClaims.USER_ID);
    }

    /**
     * Issue 15: a passed preflight is never reused for an OPTIONS that is not one (the key has Origin
     * and Access-Control-Request-Method, and the answer is no-store), and a login redirect is never
     * reused for an API request (denials are no-store).
     */
    @Test
    void neitherAPreflightNorALoginRedirectIsReusedForAnotherRequest() throws Exception {
        int port = nginx.port();
        List<Map.Entry<String, String>> preflight = List.of(Map.entry("Host", "127.0.0.1"), Map.entry("Origin", "https://app.example.com"),
                Map.entry("Access-Control-Request-Method", "PUT"));
        for (int i = 0; i < 3; i++) {
            upstream.clear();
            RawHttp.Response passed = RawHttp.exchange(port, RawHttp.request("OPTIONS", "/browser/orders", port, preflight));
            assertThat(passed.status()).as("%s", passed).isEqualTo(200);
            assertThat(upstream.nextRequest()).as("the preflight reaches the backend").isNotNull();
            RawHttp.Response notPreflight = RawHttp.exchange(port, RawHttp.request("OPTIONS", "/browser/orders", port,
                    List.of(Map.entry("Host", "127.0.0.1"), Map.entry("Origin", "https://app.example.com"))));
            assertThat(notPreflight.status()).as("%s", notPreflight).isEqualTo(401);
        }
        List<Map.Entry<String, String>> page = List.of(Map.entry("Host", "127.0.0.1"), Map.entry("Accept", "text/html"));
        for (int i = 0; i < 3; i++) {
            RawHttp.Response redirected = RawHttp.exchange(port, RawHttp.request("GET", "/browser/orders", port, page));
            assertThat(redirected.status()).as("%s", redirected).isEqualTo(302);
            assertThat(redirected.header("Location")).startsWith("https://auth.example.com/login?redirect_uri=http%3A%2F%2F127.0.0.1%2Fbrowser");
            assertThat(redirected.header("Cache-Control")).isEqualTo("no-store");
            RawHttp.Response api = RawHttp.exchange(port, RawHttp.request("GET", "/browser/orders", port,
                    List.of(Map.entry("Host", "127.0.0.1"), Map.entry("Accept", "application/json"))));
            assertThat(api.status()).as("%s", api).isEqualTo(401);
            assertThat(api.header("Location")).isNull();
        }
    }

    /** The template's former commented key: "|" between the parts lets one pass for another. */
    @Test
    void aPipeSeparatedKeyLetsAnInvalidTokenReadAValidOnesEntry() throws Exception {
        GatewayProcess piped = nginx(new GatewayProcess.NginxOptions(true, true, List.of(
                Map.entry("\"$request_method\\n$scheme\\n$host\\n$request_uri\\n$http_authorization\\n$http_cookie\\n$http_origin\\n$http_access_control_request_method\"",
                        "\"$http_authorization|$cookie_app_session|$cookie_app_access_token|$cookie_session\""))));
        others.add(piped);
        String token = token(Map.of());
        assertThat(identity(send(piped, "/api/orders", bearer(token), cookie("app_session=x|")))).containsKey("x-authgear-user-id");
        assertThat(identity(send(piped, "/api/orders", bearer(token + "|x")))).as("a token that does not verify, read from the cache")
                .containsEntry("x-authgear-user-id", AuthgearClaims.USER_ID);
    }

    // --- plumbing --------------------------------------------------------------------------------

    private String token(Map<String, Object> claims) {
        Map<String, Object> all = new LinkedHashMap<>(claims);
        all.put("jti", UUID.randomUUID().toString());
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(all), System.currentTimeMillis() / 1000);
    }

    // --- with revocation on (webhook_listen) -------------------------------------------------------

    @Test
    void withRevocationOnADisabledUserIsNoLongerAnsweredFromTheCacheWithinTwoSeconds() throws Exception {
        String secret = "nginx-cache-webhook-secret-0123";
        AdapterProcess revoking = AdapterProcess.start(JSON.writeValueAsString(Map.of(
                "authgear_endpoint", issuer.issuer(), "listen", "127.0.0.1:0", "admin_listen", "127.0.0.1:0",
                "webhook_listen", "127.0.0.1:0", "revocation", Map.of("webhook_secret", secret))));
        others.add(revoking);
        GatewayProcess gateway = GatewayProcess.nginx("127.0.0.1:" + revoking.decisionPort(), "127.0.0.1:" + upstream.port(),
                GatewayProcess.NginxOptions.RECIPE_WITH_UNDERSCORES);
        others.add(gateway);
        String token = token(Map.of());
        int port = revoking.decisionPort();
        RawHttp.Response answer = RawHttp.exchange(port, RawHttp.get("/_resolver/resolve", port, "Authorization", "Bearer " + token));
        assertThat(answer.header("cache-control")).as("the ceiling while events can revoke a session").isEqualTo("max-age=1");

        Map<String, Double> before = PrometheusScrape.scrape(revoking.adminPort());
        for (int i = 0; i < 5; i++) {
            assertThat(identity(send(gateway, "/api/orders", bearer(token)))).containsEntry("x-authgear-user-id", AuthgearClaims.USER_ID);
        }
        assertThat(PrometheusScrape.delta(before, PrometheusScrape.scrape(revoking.adminPort()), SESSION))
                .as("nginx answered some of the five itself").isLessThan(5.0);

        byte[] disabled = AuthgearWebhooks.event("user.disabled", AuthgearClaims.USER_ID, System.currentTimeMillis() / 1000, 1);
        HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + revoking.webhookPort() + "/authgear/webhook"))
                .header("Content-Type", "application/json").header("x-authgear-body-signature", AuthgearWebhooks.sign(secret, disabled))
                .POST(HttpRequest.BodyPublishers.ofByteArray(disabled)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(200);
        long postedAt = System.nanoTime();
        long refusedAfterMillis = -1;
        while (System.nanoTime() - postedAt < TimeUnit.SECONDS.toNanos(8)) {
            if (identity(send(gateway, "/api/orders", bearer(token))).isEmpty()) {
                refusedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - postedAt);
                break;
            }
            Thread.sleep(20);
        }
        System.out.println("[nginx revocation] user.disabled posted -> nginx no longer passing the session: " + refusedAfterMillis + " ms");
        // max-age=1 lives at most 2 s in nginx (its whole second plus one, see AnswerCaching).
        assertThat(refusedAfterMillis).as("ms from the event to nginx no longer passing the session (-1: never within 8 s)")
                .isBetween(0L, 2_200L);
        assertThat(identity(send(gateway, "/api/orders", bearer(token)))).as("and it stays refused").isEmpty();
    }

    private static Map.Entry<String, String> bearer(String token) {
        return Map.entry("Authorization", "Bearer " + token);
    }

    private static Map.Entry<String, String> cookie(String value) {
        return Map.entry("Cookie", value);
    }

    private Map<String, Double> metrics() throws IOException {
        return PrometheusScrape.scrape(adapter.adminPort());
    }

    /** Asks the adapter directly, as Traefik or Caddy would. */
    @SafeVarargs
    private RawHttp.Response direct(String path, Map.Entry<String, String>... headers) throws IOException {
        List<Map.Entry<String, String>> all = new ArrayList<>(List.of(headers));
        all.add(Map.entry("X-Forwarded-Method", "GET"));
        all.add(Map.entry("X-Forwarded-Proto", "http"));
        all.add(Map.entry("X-Forwarded-Host", "app.example.com"));
        all.add(Map.entry("X-Forwarded-Uri", path));
        int port = adapter.decisionPort();
        return RawHttp.exchange(port, RawHttp.request("GET", "/_resolver/resolve", port, all));
    }

    /** One GET through this nginx; a 200 must have reached the upstream, anything else must not have. */
    @SafeVarargs
    private Sent send(GatewayProcess gateway, String path, Map.Entry<String, String>... headers) throws Exception {
        upstream.clear();
        List<Map.Entry<String, String>> all = GatewayContractTests.withHost(gateway, List.of(headers));
        RawHttp.Response response = RawHttp.exchange(gateway.port(), RawHttp.request("GET", path, gateway.port(), all));
        if (response.status() != 200) {
            assertThat(upstream.receivedNothing()).as("nothing reaches the upstream after %d", response.status()).isTrue();
            return new Sent(response, Map.of());
        }
        assertThat(response.bodyText()).as("%s\n%s", response.rawHead(), gateway.logs()).isEqualTo("upstream");
        return new Sent(response, upstream.nextRequest());
    }

    private record Sent(RawHttp.Response response, Map<String, List<String>> received) {
        int status() {
            return response.status();
        }
    }

    /** The identity headers the upstream received, one value each (more than one fails). */
    private static Map<String, String> identity(Sent sent) {
        Map<String, String> out = new TreeMap<>();
        identityAll(sent).forEach((name, values) -> {
            assertThat(values).as("%s once", name).hasSize(1);
            out.put(name, values.get(0));
        });
        return out;
    }

    /** Every header the upstream received with "authgear" in its name, any spelling. */
    private static Map<String, List<String>> identityAll(Sent sent) {
        assertThat(sent.status()).as("%s", sent.response().rawHead()).isEqualTo(200);
        Map<String, List<String>> out = new TreeMap<>();
        sent.received().forEach((name, values) -> {
            if (name.toLowerCase(Locale.ROOT).contains("authgear")) {
                out.put(name, values);
            }
        });
        return out;
    }
}

package io.authgate.forwardauth.it;

import io.authgate.forwardauth.it.TraefikForwardAuthReplay.ClientRequest;
import io.authgate.forwardauth.it.TraefikForwardAuthReplay.EntryPoint;
import io.authgate.forwardauth.it.TraefikForwardAuthReplay.Result;
import io.authgate.testkit.ConformanceTable;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cases of Traefik's {@code pkg/middlewares/auth/forward_test.go} that concern the auth server,
 * replayed against the built adapter jar through the shipped configuration (or the change named in
 * each test). Where the question is what the auth server receives, {@link UpstreamEcho} stands in
 * for it and records the auth request as it arrives on the wire.
 */
class TraefikForwardAuthReplayIT {
    private static TestIssuer issuer;
    private static AdapterProcess adapter;
    private static TraefikForwardAuthReplay shipped;
    private static Map<String, String> validHeaders;

    @BeforeAll
    static void start() throws IOException {
        issuer = TestIssuer.start();
        adapter = AdapterProcess.start(adapterYaml(issuer));
        shipped = TraefikForwardAuthReplay.fromConfig(TraefikShippedConfigTest.staticYml(), TraefikShippedConfigTest.dynamicYml(), "web", "api")
                .withAuthOrigin(adapter.decisionOrigin());
        validHeaders = ConformanceTable.load().stream().filter(c -> c.name().equals("valid token yields every contract header"))
                .findFirst().orElseThrow().upstream();
    }

    @AfterAll
    static void stop() {
        if (adapter != null) {
            adapter.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    private static String adapterYaml(TestIssuer for_) {
        return "authgear_endpoint: " + for_.issuer() + "\nlisten: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n";
    }

    private static String token() {
        return token(issuer);
    }

    private static String token(TestIssuer by) {
        return new TokenMinter(by.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
    }

    private static ClientRequest api() {
        return ClientRequest.get("api.example.com", "/api/orders?id=7");
    }

    private static Map<String, String> single(Map<String, List<String>> headers) {
        Map<String, String> out = new TreeMap<>();
        headers.forEach((k, v) -> {
            assertThat(v).as(k).hasSize(1);
            out.put(k, v.get(0));
        });
        return out;
    }

    // TestForwardAuthSuccess: a 2xx copies the answer's matching headers, after deleting the client's.
    @Test
    void authSuccessReplacesTheClientsIdentityHeadersAndLeavesTheOthersAlone() throws Exception {
        Result r = shipped.replay(api()
                .withHeader("Authorization", "Bearer " + token())
                .withHeader("X-Authgear-User-Id", "attacker")
                .withHeader("x-authgear-user-roles", "superuser")
                .withHeader("X_Authgear_User_Verified", "true")
                .withHeader("X-Request-Id", "r-1")
                .withHeader("Accept", "application/json"));

        assertThat(r.authResponse().status()).isEqualTo(200);
        assertThat(r.authResponse().body()).isEmpty();
        assertThat(single(r.identityHeadersAtUpstream())).isEqualTo(validHeaders);
        assertThat(r.upstream()).containsEntry("X-Request-Id", List.of("r-1")).containsEntry("Accept", List.of("application/json"))
                .containsKey("Authorization");
    }

    @Test
    void noSessionStillDeletesEveryClientIdentityHeader() throws Exception {
        Result r = shipped.replay(api()
                .withHeader("X-Authgear-Session-Valid", "true")
                .withHeader("X_Authgear_User_Id", "attacker")
                .withHeader("x-authgear_user-roles", "admin"));

        assertThat(r.authResponse().status()).isEqualTo(200);
        assertThat(r.identityHeadersAtUpstream()).isEmpty();
    }

    // Why the shipped regex is not the usual one: on an entry point that keeps underscore headers,
    // "^X-Authgear-" lets a client's X_Authgear_User_Id through to the backend.
    @Test
    void theUsualRegexAloneLetsUnderscoreSpellingsThrough() throws Exception {
        TraefikForwardAuthReplay usual = shipped.withEntryPoint(shipped.entryPoint().withUnderscoreHeadersStrategy("keep"))
                .withForwardAuth(fa -> fa.withAuthResponseHeadersRegex("^X-Authgear-"));
        ClientRequest spoof = api().withHeader("Authorization", "Bearer " + token()).withHeader("X_Authgear_User_Id", "attacker");

        assertThat(usual.replay(spoof).upstream()).containsEntry("X_authgear_user_id", List.of("attacker"));
        assertThat(shipped.withEntryPoint(shipped.entryPoint().withUnderscoreHeadersStrategy("keep")).replay(spoof).upstream())
                .doesNotContainKey("X_authgear_user_id");
        assertThat(shipped.replay(spoof).upstream()).doesNotContainKey("X_authgear_user_id");
    }

    // TestForwardAuthFail / TestForwardAuthFailResponseHeaders: a non-2xx answer is what the client
    // gets, status, headers and body, and nothing reaches the backend.
    @Test
    void authFailurePassesTheAdaptersAnswerToTheClient() throws Exception {
        try (TestIssuer down = TestIssuer.start()) {
            down.failWith(500);
            try (AdapterProcess noKeys = AdapterProcess.start(adapterYaml(down))) {
                Result r = shipped.withAuthOrigin(noKeys.decisionOrigin()).replay(api().withHeader("Authorization", "Bearer " + token(down)));

                assertThat(r.reachedUpstream()).isFalse();
                assertThat(r.authResponse().status()).as("the adapter's answer").isBetween(500, 599);
                assertThat(r.response().status()).isEqualTo(r.authResponse().status());
                assertThat(r.response().headers()).isEqualTo(r.authResponse().headers());
                assertThat(r.response().body()).isEqualTo(r.authResponse().body()).isNotEmpty();
                assertThat(r.response().header("Content-Type")).isNotEmpty();
            }
        }
    }

    @Test
    void aWrongAddressPathIsTheAdapters404ForEveryClient() throws Exception {
        Result r = shipped.withForwardAuth(fa -> fa.withAddress(adapter.decisionOrigin() + "/resolve"))
                .replay(api().withHeader("Authorization", "Bearer " + token()));

        assertThat(r.reachedUpstream()).isFalse();
        assertThat(r.response().status()).isEqualTo(404);
        assertThat(r.response().bodyText()).contains("/_resolver/resolve");
    }

    // TestForwardAuthPreserveRequestMethod: the auth request keeps the client's method only when asked.
    @Test
    void preserveRequestMethodWouldTurnEveryPostInto405() throws Exception {
        ClientRequest post = api().withMethod("POST").withHeader("Authorization", "Bearer " + token());

        Result preserved = shipped.withForwardAuth(fa -> fa.withPreserveRequestMethod(true)).replay(post);
        assertThat(preserved.authRequest().method()).isEqualTo("POST");
        assertThat(preserved.reachedUpstream()).isFalse();
        assertThat(preserved.response().status()).isEqualTo(405);
        assertThat(preserved.response().header("Allow")).containsExactly("GET, HEAD");

        Result shippedPost = shipped.replay(post);
        assertThat(shippedPost.authRequest().method()).isEqualTo("GET");
        assertThat(shippedPost.authRequest().headers()).containsEntry("X-Forwarded-Method", List.of("POST"));
        assertThat(single(shippedPost.identityHeadersAtUpstream())).isEqualTo(validHeaders);
    }

    // TestForwardAuth_writeHeader and the entry point: the auth request as it arrives, with Traefik
    // as the edge and a client sending its own X-Forwarded-* of every kind.
    @Test
    void theShippedAuthRequestCarriesOnlyCredentialsAndTraefiksOwnForwardedHeaders() throws Exception {
        try (UpstreamEcho authServer = UpstreamEcho.start()) {
            TraefikForwardAuthReplay toEcho = shipped.withAuthOrigin("http://127.0.0.1:" + authServer.port());
            Result r = toEcho.replay(spoofingClient().withMethod("POST"));

            Map<String, List<String>> received = authServer.nextRequest();
            assertThat(received).as("what the auth server received is what the replay built").isEqualTo(onTheWire(r, authServer.port()));
            assertThat(single(received)).containsAllEntriesOf(Map.of(
                    "authorization", "Bearer abc",
                    "cookie", "app_session=xyz",
                    "x-forwarded-method", "POST",
                    "x-forwarded-uri", "/api/orders?id=7",
                    "x-forwarded-host", "api.example.com",
                    "x-forwarded-proto", "http",
                    "x-forwarded-port", "80",
                    "x-forwarded-for", "203.0.113.7"));
            assertThat(received.keySet()).containsExactlyInAnyOrder("host", "user-agent", "accept-encoding", "content-length",
                    "authorization", "cookie",
                    "x-forwarded-method", "x-forwarded-uri", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-forwarded-for");
        }
    }

    @Test
    void withTrustForwardHeaderTheClientsForwardedHeadersReachTheAuthServer() throws Exception {
        try (UpstreamEcho authServer = UpstreamEcho.start()) {
            // The middleware alone (as Traefik's unit tests run it) or behind an entry point with
            // forwardedHeaders.insecure: trustForwardHeader true hands the client's claims on.
            TraefikForwardAuthReplay trusting = new TraefikForwardAuthReplay(null,
                    List.of(shipped.forwardAuth().withTrustForwardHeader(true))).withAuthOrigin("http://127.0.0.1:" + authServer.port());
            trusting.replay(spoofingClient());
            Map<String, String> trusted = single(authServer.nextRequest());
            assertThat(trusted).containsEntry("x-forwarded-uri", "/public").containsEntry("x-forwarded-method", "GET")
                    .containsEntry("x-forwarded-host", "evil.example").containsEntry("x-forwarded-for", "198.51.100.1, 203.0.113.7");

            TraefikForwardAuthReplay notTrusting = new TraefikForwardAuthReplay(null,
                    List.of(shipped.forwardAuth())).withAuthOrigin("http://127.0.0.1:" + authServer.port());
            notTrusting.replay(spoofingClient());
            Map<String, String> own = single(authServer.nextRequest());
            assertThat(own).containsEntry("x-forwarded-uri", "/api/orders?id=7").containsEntry("x-forwarded-method", "GET")
                    .containsEntry("x-forwarded-host", "api.example.com").containsEntry("x-forwarded-for", "203.0.113.7");
            assertThat(own).doesNotContainKey("x_forwarded_proto");

            // Traefik at the edge with the shipped entry point drops them even before the middleware.
            shipped.withForwardAuth(fa -> fa.withTrustForwardHeader(true)).withAuthOrigin("http://127.0.0.1:" + authServer.port())
                    .replay(spoofingClient());
            assertThat(single(authServer.nextRequest())).containsEntry("x-forwarded-uri", "/api/orders?id=7")
                    .containsEntry("x-forwarded-host", "api.example.com");
            shipped.withEntryPoint(shipped.entryPoint().withForwardedHeadersInsecure(true))
                    .withForwardAuth(fa -> fa.withTrustForwardHeader(true)).withAuthOrigin("http://127.0.0.1:" + authServer.port())
                    .replay(spoofingClient());
            assertThat(single(authServer.nextRequest())).as("insecure entry point and trustForwardHeader: true")
                    .containsEntry("x-forwarded-uri", "/public");
        }
    }

    // TestForwardAuth_writeHeader "remove hop-by-hop headers" and RemoveConnectionHeaders, with every
    // client header passed (no authRequestHeaders) and the middleware alone.
    @Test
    void hopByHopAndConnectionNamedHeadersDoNotReachTheAuthServer() throws Exception {
        try (UpstreamEcho authServer = UpstreamEcho.start()) {
            TraefikForwardAuthReplay all = new TraefikForwardAuthReplay(null,
                    List.of(shipped.forwardAuth().withAuthRequestHeaders(List.of())))
                    .withAuthOrigin("http://127.0.0.1:" + authServer.port());
            Result r = all.replay(api()
                    .withHeader("Authorization", "Bearer abc")
                    .withHeader("Connection", "keep-alive, X-Request-Id")
                    .withHeader("Keep-Alive", "timeout=5")
                    .withHeader("Te", "trailers")
                    .withHeader("Upgrade", "websocket")
                    .withHeader("X-Request-Id", "r-1")
                    .withHeader("X-Custom", "kept"));

            Map<String, List<String>> received = authServer.nextRequest();
            assertThat(received).isEqualTo(onTheWire(r, authServer.port()));
            assertThat(received).doesNotContainKeys("connection", "keep-alive", "te", "upgrade", "x-request-id");
            assertThat(single(received)).containsEntry("x-custom", "kept").containsEntry("authorization", "Bearer abc");
            assertThat(r.upstream()).as("the backend's request keeps them; only the auth request drops them")
                    .containsKeys("X-Request-Id", "Connection");

            // Traefik passes Proxy-Authorization on (it is not in its hop-by-hop list, see the
            // writeHeader cases in TraefikForwardAuthReplayTest); java.net.http would drop it
            // silently, so the replay refuses rather than send something else.
            assertThatThrownBy(() -> all.replay(api().withHeader("Proxy-Authorization", "Basic cHJveHk6cHc=")))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("Proxy-Authorization");
        }
    }

    // A credential named in Connection is hop-by-hop: the entry point removes it, so the adapter sees
    // none and the backend gets no identity (and no credential).
    @Test
    void aCredentialNamedInConnectionNeverReachesTheAdapter() throws Exception {
        Result r = shipped.replay(api().withHeader("Authorization", "Bearer " + token()).withHeader("Connection", "Authorization"));

        assertThat(r.authRequest().headers()).doesNotContainKey("Authorization");
        assertThat(r.authResponse().status()).isEqualTo(200);
        assertThat(r.identityHeadersAtUpstream()).isEmpty();
        assertThat(r.upstream()).doesNotContainKeys("Authorization", "Connection");
    }

    private static ClientRequest spoofingClient() {
        return api()
                .withHeader("Authorization", "Bearer abc")
                .withHeader("Cookie", "app_session=xyz")
                .withHeader("X-Forwarded-For", "198.51.100.1")
                .withHeader("X-Forwarded-Uri", "/public")
                .withHeader("X-Forwarded-Method", "GET")
                .withHeader("X-Forwarded-Host", "evil.example")
                .withHeader("X_Forwarded_Proto", "https")
                .withHeader("Proxy-Authorization", "Basic cHJveHk6cHc=")
                .withHeader("X-Request-Id", "r-1");
    }

    /**
     * The replay's wire lines (what Go's client would write) as UpstreamEcho records them, plus
     * what java.net.http adds: Host, Content-Length: 0 on every method, its own User-Agent where Go
     * would send none.
     */
    private static Map<String, List<String>> onTheWire(Result r, int port) {
        Map<String, List<String>> out = new TreeMap<>();
        r.authRequest().wire().forEach(h -> out.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue()));
        out.put("host", List.of("127.0.0.1:" + port));
        out.put("content-length", List.of("0"));
        out.putIfAbsent("user-agent", List.of("Java-http-client/" + System.getProperty("java.version")));
        return out;
    }
}

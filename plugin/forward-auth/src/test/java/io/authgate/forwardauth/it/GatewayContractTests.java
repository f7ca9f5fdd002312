package io.authgate.forwardauth.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.ConformanceCase;
import io.authgate.testkit.ConformanceProjects;
import io.authgate.testkit.ConformanceTable;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every gateway in front of the adapter must guarantee, run through the real gateway: a real
 * client request (raw socket, header names in the exact case and spelling given) goes to the
 * gateway, which asks the adapter (the built jar, its own process, keys from a {@link TestIssuer}
 * over HTTP) and forwards to an {@link UpstreamEcho}; what is asserted is what the upstream
 * received.
 *
 * <p>One gateway and one adapter per distinct adapter configuration, started on first use and kept
 * for the class. The table's rows with two Authgear projects run on an adapter whose rule for
 * {@code /second} names the second ({@link ConformanceProjects#adapterConfig}): the gateway's own
 * forwarded URI chooses it, as in production.
 *
 * <p>Empty values: neither nginx ({@code proxy_set_header} drops a header whose value is empty) nor
 * the Caddyfile (current Caddy's {@code copy_headers} skips empty values; for 2.6 the Caddyfile
 * removes them too) forwards an empty header, so there a contract header expected with an empty
 * value ({@code x-authgear-session-amr} of a session without amr) is expected absent; Traefik
 * copies it as it is ({@link #forwardsEmptyHeaders()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GatewayContractTests {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PATH = "/api/orders?page=2";

    /** The default token's headers, as the contract writes them (resolver-contract.md). */
    static final Map<String, String> VALID = ordered(
            "x-authgear-session-valid", "true",
            "x-authgear-user-id", AuthgearClaims.USER_ID,
            "x-authgear-user-anonymous", "false",
            "x-authgear-user-verified", "true",
            "x-authgear-user-can-reauthenticate", "true",
            "x-authgear-user-roles", "admin,editor",
            "x-authgear-session-amr", "pwd mfa otp",
            "x-authgear-session-authenticated-at", Long.toString(AuthgearClaims.AUTH_TIME));

    /** Identity headers a client sends: contract names in every spelling, and names outside the contract. */
    static final List<Map.Entry<String, String>> SPOOFED = List.of(
            Map.entry("X-Authgear-User-Id", "attacker-1"),
            Map.entry("x-authgear-user-id", "attacker-2"),
            Map.entry("X_Authgear_User_Id", "attacker-3"),
            Map.entry("x_authgear_user_roles", "superuser"),
            Map.entry("X-Authgear-User-Roles", "superuser"),
            Map.entry("X-Authgear_User_Verified", "true"),
            Map.entry("x_authgear-session-valid", "true"),
            Map.entry("X-AUTHGEAR-SESSION-ACR", "urn:spoofed"),
            Map.entry("X-Authgear-Foo", "spoofed"),
            Map.entry("X_Authgear_Foo", "spoofed"));

    protected ConformanceProjects projects;
    /** The first project's issuer: the one the tests by hand use. */
    protected TestIssuer issuer;
    protected UpstreamEcho upstream;
    private final Map<Map<String, Object>, Stack> stacks = new HashMap<>();
    /** A configuration whose stack could not start fails every later test at once, not after another start. */
    private final Map<Map<String, Object>, RuntimeException> failedStarts = new HashMap<>();
    protected final List<AutoCloseable> others = new ArrayList<>();

    /** An adapter and the gateway in front of it. */
    record Stack(AdapterProcess adapter, GatewayProcess gateway) {
    }

    /** The name this front has in the conformance table's {@code fronts} lists. */
    protected abstract String front();

    /** Whether the adapter's empty-valued headers reach the upstream (else they are expected absent). */
    protected boolean forwardsEmptyHeaders() {
        return false;
    }

    /** Whether this gateway passes header names containing "_" on as they come. */
    protected boolean forwardsUnderscoreHeaders() {
        return true;
    }

    /** The gateway under test, forwarding to {@code upstream} after asking the adapter at {@code authgate}. */
    protected abstract GatewayProcess startGateway(String authgate, String upstream) throws IOException;

    @BeforeAll
    void startShared() throws IOException {
        projects = ConformanceProjects.start();
        issuer = projects.first();
        upstream = UpstreamEcho.start();
    }

    @AfterAll
    void stopAll() {
        for (Stack s : stacks.values()) {
            s.gateway().close();
            s.adapter().close();
        }
        stacks.clear();
        for (AutoCloseable c : others) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
        if (upstream != null) {
            upstream.close();
        }
        if (projects != null) {
            projects.close();
        }
    }

    // --- the guarantees, by hand -----------------------------------------------------------------

    @Test
    void validTokenGivesExactlyTheContractHeadersEachOnce() throws Exception {
        Seen seen = send(base(), List.of(bearer(mint(TokenRecipe.VALID))));
        assertIdentity(seen, VALID);
    }

    @Test
    void expiredTokenGivesNoIdentityHeader() throws Exception {
        Seen seen = send(base(), List.of(bearer(mint(TokenRecipe.withClaims(Map.of("exp", "now-60"))))));
        assertIdentity(seen, Map.of());
    }

    @Test
    void invalidTokensGiveNoIdentityHeader() throws Exception {
        for (String token : List.of("not.a.jwt", mint(TokenRecipe.VALID.signedBy("attacker")), mint(TokenRecipe.VALID.signedBy("tamper")))) {
            assertIdentity(send(base(), List.of(bearer(token))), Map.of());
        }
    }

    @Test
    void noTokenGivesNoIdentityHeader() throws Exception {
        assertIdentity(send(base(), List.of(Map.entry("Accept", "application/json"))), Map.of());
    }

    @ParameterizedTest(name = "credential: {0}")
    @ValueSource(strings = {"none", "valid", "expired", "invalid"})
    void clientIdentityHeadersNeverReachTheUpstream(String credential) throws Exception {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        switch (credential) {
            case "valid" -> headers.add(bearer(mint(TokenRecipe.VALID)));
            case "expired" -> headers.add(bearer(mint(TokenRecipe.withClaims(Map.of("exp", "now-60")))));
            case "invalid" -> headers.add(bearer(mint(TokenRecipe.VALID.signedBy("attacker"))));
            default -> {
            }
        }
        headers.addAll(SPOOFED);
        Seen seen = send(base(), headers);
        assertIdentity(seen, credential.equals("valid") ? VALID : Map.of());
        assertThat(seen.received().values().stream().flatMap(List::stream))
                .as("no spoofed value anywhere upstream\n%s", seen)
                .noneMatch(v -> v.startsWith("attacker") || v.equals("superuser") || v.equals("spoofed") || v.equals("urn:spoofed"));
    }

    @Test
    void anonymousUserWithoutAmrOrRolesGetsNoPlaceholderAndNoSpoofedRoles() throws Exception {
        // The adapter answers such a session with x-authgear-session-amr: "" and no roles header.
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put(AuthgearClaims.ANONYMOUS, true);
        claims.put(AuthgearClaims.VERIFIED, false);
        claims.put(AuthgearClaims.CAN_REAUTHENTICATE, false);
        claims.put("amr", null);
        claims.put(AuthgearClaims.ROLES, List.of());
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(bearer(mint(TokenRecipe.withClaims(claims))));
        headers.add(Map.entry("X-Authgear-User-Roles", "admin"));
        headers.add(Map.entry("X_Authgear_User_Roles", "admin"));
        headers.add(Map.entry("X-Authgear-Session-Amr", "pwd"));

        Seen seen = send(base(), headers);

        Map<String, String> expected = ordered(
                "x-authgear-session-valid", "true",
                "x-authgear-user-id", AuthgearClaims.USER_ID,
                "x-authgear-user-anonymous", "true",
                "x-authgear-user-verified", "false",
                "x-authgear-user-can-reauthenticate", "false",
                "x-authgear-session-authenticated-at", Long.toString(AuthgearClaims.AUTH_TIME));
        if (forwardsEmptyHeaders()) {
            expected.put("x-authgear-session-amr", ""); // "" at the adapter
        }
        assertIdentity(seen, expected);
    }

    /**
     * The adapter refuses a decision request with a body or any Transfer-Encoding (smuggling): the
     * gateway's auth request never has one, whatever the client sent. A client's POST with a body,
     * by length and chunked, is decided and reaches the upstream.
     */
    @Test
    void aClientRequestWithABodyIsDecidedLikeAnyOther() throws Exception {
        Stack stack = base();
        String token = mint(TokenRecipe.VALID);
        Map<Map.Entry<String, String>, String> bodies = new LinkedHashMap<>();
        bodies.put(Map.entry("Content-Length", "11"), "hello=world");
        bodies.put(Map.entry("Transfer-Encoding", "chunked"), "b\r\nhello=world\r\n0\r\n\r\n");
        for (Map.Entry<Map.Entry<String, String>, String> body : bodies.entrySet()) {
            upstream.clear();
            List<Map.Entry<String, String>> headers = List.of(bearer(token),
                    Map.entry("Content-Type", "application/x-www-form-urlencoded"), body.getKey());
            int port = stack.gateway().port();
            RawHttp.Response response = RawHttp.exchange(port, RawHttp.request("POST", PATH, port, withHost(stack.gateway(), headers)) + body.getValue());
            assertThat(response.status()).as("%s\n%s\n%s", body.getKey(), response, stack.gateway().logs()).isEqualTo(200);
            assertIdentity(new Seen(response, upstream.nextRequest()), VALID);
        }
    }

    /**
     * Where the gateway forwards underscore names, the spoof tests' underscore spellings are real
     * attacks on the configuration; where it drops every one itself, they are stopped before it.
     */
    @Test
    void underscoreHeadersAreForwardedOrDroppedAsThisGatewayDoes() throws Exception {
        Seen seen = send(base(), List.of(Map.entry("X_Other_Header", "kept"), Map.entry("X-Other-Header", "kept too")));
        assertThat(seen.received()).as("%s", seen).containsEntry("x-other-header", List.of("kept too"));
        if (forwardsUnderscoreHeaders()) {
            assertThat(seen.received()).as("%s", seen).containsEntry("x_other_header", List.of("kept"));
        } else {
            assertThat(seen.received()).as("%s", seen).doesNotContainKey("x_other_header");
        }
    }

    @Test
    void adapterWithoutSigningKeysGives503AndNothingReachesTheUpstream() throws Exception {
        String unreachable = "http://127.0.0.1:" + AdapterProcess.freePort(); // nothing listens there
        Stack stack = stack(Map.of("authgear_endpoint", unreachable));
        String token = new TokenMinter(unreachable).mint(TokenRecipe.VALID, now());
        upstream.clear();

        RawHttp.Response response = exchange(stack.gateway(), List.of(bearer(token)));

        assertThat(response.status()).as("%s\n%s", response, stack.gateway().logs()).isEqualTo(503);
        assertThat(response.header("Retry-After")).as("%s", response).isEqualTo("1");
        assertThat(upstream.receivedNothing()).as("the upstream must not be reached").isTrue();
        // Without a token nothing needs keys: the request goes on, with no identity.
        assertIdentity(send(stack, List.of(Map.entry("Accept", "*/*"))), Map.of());
    }

    @Test
    void enforceModeChallengesReachTheClientAndNothingReachesTheUpstream() throws Exception {
        Stack stack = stack(Map.of("authgear_endpoint", issuer.issuer(), "mode", "enforce",
                "policy", Map.of("scopes_all", List.of("orders:write"))));
        String realm = "Bearer realm=\"" + issuer.issuer() + "\"";
        upstream.clear();

        RawHttp.Response none = exchange(stack.gateway(), List.of());
        assertThat(none.status()).as("%s", none).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).as("%s", none).isEqualTo(realm);

        RawHttp.Response expired = exchange(stack.gateway(), List.of(bearer(mint(TokenRecipe.withClaims(Map.of("exp", "now-1"))))));
        assertThat(expired.status()).as("%s", expired).isEqualTo(401);
        assertThat(expired.header("WWW-Authenticate")).as("%s", expired).isEqualTo(realm + ", error=\"invalid_token\"");

        RawHttp.Response scope = exchange(stack.gateway(), List.of(bearer(mint(TokenRecipe.VALID))));
        assertThat(scope.status()).as("%s", scope).isEqualTo(403);
        assertThat(upstream.receivedNothing()).as("the upstream must not be reached").isTrue();
    }

    /**
     * Issue 15 item 3 through the real gateway: a page navigation without a session gets a 302 to the
     * login page carrying its own URL (nginx: the adapter's 401 with Location, turned into the 302 by
     * the shipped config), an API request on the same route keeps its RFC 6750 challenge, and
     * neither reaches the upstream. The Host is sent without a port, so the forwarded host is the
     * same on every gateway (nginx's $host drops the port anyway).
     */
    @Test
    void aPageNavigationWithoutASessionIsRedirectedToTheLoginPageAndAnApiRequestKeepsItsChallenge() throws Exception {
        Stack stack = stack(Map.of("authgear_endpoint", issuer.issuer(), "mode", "enforce",
                "login_redirect", Map.of("url", "https://auth.example.com/login?client=web",
                        "allowed_origins", List.of("http://127.0.0.1", "http://api.example.com"))));
        String host = stack.gateway().host().replaceFirst(":[0-9]+$", "");
        upstream.clear();
        List<Map.Entry<String, String>> page = List.of(Map.entry("Host", host),
                Map.entry("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"), Map.entry("Sec-Fetch-Mode", "navigate"));
        int port = stack.gateway().port();
        RawHttp.Response navigation = RawHttp.exchange(port, RawHttp.request("GET", "/orders/7?tab=items", port, page));
        assertThat(navigation.status()).as("%s\n%s", navigation, stack.adapter().log()).isEqualTo(302);
        assertThat(navigation.header("Location")).as("%s", navigation).isEqualTo("https://auth.example.com/login?client=web&redirect_uri="
                + java.net.URLEncoder.encode("http://" + host + "/orders/7?tab=items", java.nio.charset.StandardCharsets.UTF_8));

        RawHttp.Response api = RawHttp.exchange(port, RawHttp.request("GET", "/orders/7", port,
                List.of(Map.entry("Host", host), Map.entry("Accept", "application/json"))));
        assertThat(api.status()).as("%s", api).isEqualTo(401);
        assertThat(api.header("WWW-Authenticate")).as("%s", api).isEqualTo("Bearer realm=\"" + issuer.issuer() + "\"");
        assertThat(api.header("Location")).as("%s", api).isNull();

        RawHttp.Response forged = RawHttp.exchange(port, RawHttp.request("GET", "/", port, List.of(Map.entry("Host", host),
                Map.entry("Accept", "text/html"), Map.entry("X-Forwarded-Host", "evil.example"), Map.entry("X-Forwarded-Proto", "https"))));
        assertThat(forged.status()).as("the gateway's forwarded host and proto, not the client's\n%s", forged).isEqualTo(302);
        assertThat(forged.header("Location")).as("%s", forged).endsWith(
                java.net.URLEncoder.encode("http://" + host + "/", java.nio.charset.StandardCharsets.UTF_8));
        assertThat(upstream.receivedNothing()).as("the upstream must not be reached").isTrue();
    }

    @Test
    void adapterDownFailsClosed() throws Exception {
        GatewayProcess gateway = startGateway("127.0.0.1:" + AdapterProcess.freePort(), "127.0.0.1:" + upstream.port());
        others.add(gateway);
        upstream.clear();
        for (List<Map.Entry<String, String>> headers : List.of(List.of(bearer(mint(TokenRecipe.VALID))), List.<Map.Entry<String, String>>of())) {
            RawHttp.Response response = exchange(gateway, headers);
            assertThat(response.status()).as("%s", response).isBetween(500, 599);
            assertThat(upstream.receivedNothing()).as("the upstream must not be reached").isTrue();
        }
    }

    // --- the shared conformance table --------------------------------------------------------------

    List<ConformanceCase> cases() {
        return ConformanceTable.forFront(front());
    }

    List<ConformanceCase> hostileCases() {
        return ConformanceTable.hostileForFront(front());
    }

    @Test
    void theTablesHaveRowsForThisFront() {
        assertThat(cases()).hasSizeGreaterThan(40);
        assertThat(hostileCases()).hasSizeGreaterThan(10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileCases")
    void hostile(ConformanceCase c) throws Exception {
        conformance(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conformance(ConformanceCase c) throws Exception {
        Stack stack = stack(projects.adapterConfig(c));
        String token = projects.token(c, now());
        upstream.clear();
        int port = stack.gateway().port();
        RawHttp.Response response = RawHttp.exchange(port, RawHttp.request(c.method(), c.target(), port, withHost(stack.gateway(), c.requestWith(token))));
        assertThat(response.status()).as("client status\n%s\n%s", response, stack.gateway().logs()).isEqualTo(c.status());
        if (c.status() != 200) {
            assertThat(upstream.receivedNothing()).as("the upstream must not be reached").isTrue();
            return;
        }
        Map<String, String> expected = new LinkedHashMap<>();
        c.upstream().forEach((name, value) -> {
            if (!value.isEmpty() || forwardsEmptyHeaders()) {
                expected.put(name, value);
            }
        });
        assertIdentity(new Seen(response, upstream.nextRequest()), expected);
    }

    // --- plumbing ------------------------------------------------------------------------------

    /** The upstream's view of one request that went through. */
    record Seen(RawHttp.Response response, Map<String, List<String>> received) {
        Map<String, List<String>> identity() {
            Map<String, List<String>> out = new TreeMap<>();
            received.forEach((name, values) -> {
                if (name.toLowerCase(Locale.ROOT).contains("authgear")) {
                    out.put(name, values);
                }
            });
            return out;
        }

        @Override
        public String toString() {
            return "upstream received: " + received + "\nclient got: " + response.rawHead();
        }
    }

    /** The adapter configuration the claim-header tests run with: x-myapp-tenant from a custom claim. */
    protected Map<String, Object> claimHeaderConfig() {
        return Map.of("authgear_endpoint", issuer.issuer(), "claims_to_headers", Map.of("x-myapp-tenant", "https://myapp.example/tenant"));
    }

    /**
     * (Issue 15) Through a gateway configured to copy and strip x-myapp-tenant: the token's claim
     * arrives, and no client spelling of the name does, with a session (whose token has the claim
     * or not) or without one.
     */
    protected void assertClaimHeaderArrivesAndItsSpoofsDoNot(Stack stack) throws Exception {
        List<Map.Entry<String, String>> withToken = new ArrayList<>();
        withToken.add(bearer(mint(TENANT_ACME)));
        withToken.addAll(CLAIM_SPOOFS);
        assertThat(claimHeaders(send(stack, withToken))).isEqualTo(Map.of("x-myapp-tenant", List.of("acme")));
        List<Map.Entry<String, String>> withoutClaim = new ArrayList<>();
        withoutClaim.add(bearer(mint(TokenRecipe.VALID)));
        withoutClaim.addAll(CLAIM_SPOOFS);
        assertThat(claimHeaders(send(stack, withoutClaim))).as("a token without the claim: no claim header, no spoof").isEmpty();
        assertThat(claimHeaders(send(stack, CLAIM_SPOOFS))).as("no session: no claim header, no spoof").isEmpty();
    }

    /** A token whose custom claim {@link #claimHeaderConfig()} maps to x-myapp-tenant: acme. */
    static final TokenRecipe TENANT_ACME = TokenRecipe.withClaims(Map.of("https://myapp.example/tenant", "acme"));

    /** A client's own x-myapp-tenant, in the spellings of each separator and case. */
    static final List<Map.Entry<String, String>> CLAIM_SPOOFS = List.of(Map.entry("X-Myapp-Tenant", "evil"),
            Map.entry("x_myapp_tenant", "evil"), Map.entry("X-Myapp_Tenant", "evil"), Map.entry("X_MYAPP-TENANT", "evil"));

    /** The headers of the claim-header family the tests use (x-myapp-*, any spelling) the upstream received, by lower-case name. */
    protected static Map<String, List<String>> claimHeaders(Seen seen) {
        Map<String, List<String>> out = new TreeMap<>();
        seen.received().forEach((name, values) -> {
            if (name.toLowerCase(Locale.ROOT).contains("myapp")) {
                out.put(name.toLowerCase(Locale.ROOT), values);
            }
        });
        return out;
    }

    protected Stack base() throws IOException {
        return stack(Map.of("authgear_endpoint", issuer.issuer()));
    }

    /** The adapter (and gateway) for this adapter configuration, started on first use. */
    protected Stack stack(Map<String, Object> config) throws IOException {
        Stack running = stacks.get(config);
        if (running != null) {
            assertThat(running.adapter().process().isAlive()).as("adapter alive\n%s", running.adapter().log()).isTrue();
            assertThat(running.gateway().isAlive()).as("%s alive\n%s", front(), running.gateway().logs()).isTrue();
            return running;
        }
        RuntimeException failed = failedStarts.get(config);
        if (failed != null) {
            throw new IllegalStateException("could not start " + front() + " and the adapter for " + config + " (see the first failure)", failed);
        }
        Map<String, Object> full = new LinkedHashMap<>(config);
        full.put("listen", "127.0.0.1:0");
        full.put("admin_listen", "127.0.0.1:0");
        AdapterProcess adapter = null;
        GatewayProcess gateway;
        try {
            adapter = AdapterProcess.start(JSON.writeValueAsString(full)); // JSON is YAML
            gateway = startGateway("127.0.0.1:" + adapter.decisionPort(), "127.0.0.1:" + upstream.port());
        } catch (IOException | RuntimeException e) {
            if (adapter != null) {
                adapter.close();
            }
            failedStarts.put(Map.copyOf(config), e instanceof RuntimeException r ? r : new IllegalStateException(e));
            throw e;
        }
        Stack stack = new Stack(adapter, gateway);
        stacks.put(Map.copyOf(config), stack);
        return stack;
    }

    protected RawHttp.Response exchange(GatewayProcess gateway, List<Map.Entry<String, String>> headers) throws IOException {
        return RawHttp.exchange(gateway.port(), RawHttp.request("GET", PATH, gateway.port(), withHost(gateway, headers)));
    }

    /** The headers, led by the Host the gateway's configuration routes unless they carry one. */
    static List<Map.Entry<String, String>> withHost(GatewayProcess gateway, List<Map.Entry<String, String>> headers) {
        return withHost(gateway.host(), headers);
    }

    /** The headers, led by {@code Host: host} unless they carry a Host. */
    static List<Map.Entry<String, String>> withHost(String host, List<Map.Entry<String, String>> headers) {
        if (headers.stream().anyMatch(h -> h.getKey().equalsIgnoreCase("host"))) {
            return headers;
        }
        List<Map.Entry<String, String>> out = new ArrayList<>(headers.size() + 1);
        out.add(Map.entry("Host", host));
        out.addAll(headers);
        return out;
    }

    /** Sends through the stack's gateway; the request must reach the upstream with a 200. */
    protected Seen send(Stack stack, List<Map.Entry<String, String>> headers) throws Exception {
        upstream.clear();
        RawHttp.Response response = exchange(stack.gateway(), headers);
        assertThat(response.status()).as("client status\n%s\n%s", response, stack.gateway().logs()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("upstream");
        return new Seen(response, upstream.nextRequest());
    }

    /**
     * Exactly these identity headers (lower-case names) reached the upstream, each once, and nothing
     * else whose name contains "authgear" in any spelling; no value is Caddy's placeholder text.
     */
    protected static void assertIdentity(Seen seen, Map<String, String> expected) {
        Map<String, List<String>> want = new TreeMap<>();
        expected.forEach((name, value) -> want.put(name, List.of(value)));
        assertThat(seen.identity()).as("identity headers at the upstream\n%s", seen).isEqualTo(want);
        assertThat(seen.received().values().stream().flatMap(List::stream))
                .as("no unreplaced placeholder at the upstream\n%s", seen)
                .noneMatch(v -> v.contains("{http.") || v.contains("reverse_proxy"));
    }

    protected String mint(TokenRecipe recipe) {
        return new TokenMinter(issuer.issuer()).mint(recipe, now());
    }

    static Map.Entry<String, String> bearer(String token) {
        return Map.entry("Authorization", "Bearer " + token);
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    static Map<String, String> ordered(String... nameValues) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            out.put(nameValues[i], nameValues[i + 1]);
        }
        return out;
    }
}

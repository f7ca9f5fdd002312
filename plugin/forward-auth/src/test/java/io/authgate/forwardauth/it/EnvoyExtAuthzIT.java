package io.authgate.forwardauth.it;

import io.authgate.testkit.ConformanceCase;
import io.authgate.testkit.ConformanceTable;
import io.authgate.testkit.ConformanceProjects;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built adapter driven with exactly the check request Envoy's ext_authz HTTP filter sends under
 * the shipped {@code envoy-conf/envoy.yaml} ({@link EnvoyExtAuthz}: the method and path of the
 * client's request under {@code path_prefix}, its Host, Authorization and Cookie, nothing else),
 * the adapter configured with the file's prefix as {@code envoy_path_prefix}; what is asserted is
 * what the client gets and what Envoy hands its router after the filters. Envoy itself does not run
 * here; the file is checked against Envoy's own API by {@code gateways/envoy} (Go).
 */
class EnvoyExtAuthzIT {
    private static final String HOST = "api.example.com";
    private static final String PATH = GatewayContractTests.PATH;
    private static final AdaptersByConfig ADAPTERS = new AdaptersByConfig();
    private static ConformanceProjects projects;
    private static TestIssuer issuer;
    private static EnvoyExtAuthz envoy;

    @BeforeAll
    static void start() throws Exception {
        projects = ConformanceProjects.start();
        issuer = projects.first();
        envoy = EnvoyExtAuthz.shipped();
    }

    @AfterAll
    static void stop() {
        ADAPTERS.close();
        if (projects != null) {
            projects.close();
        }
    }

    static List<ConformanceCase> cases() {
        return ConformanceTable.forFront("envoy");
    }

    static List<ConformanceCase> hostileCases() {
        return ConformanceTable.hostileForFront("envoy");
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
        AdapterProcess adapter = adapterFor(projects.adapterConfig(c));
        String token = projects.token(c, now());

        EnvoyExtAuthz.Outcome outcome = envoy.handle(c.method(), c.target(), withHost(c.requestWith(token)), adapter.decisionPort());

        assertThat(outcome.status()).as("client status; the adapter answered %s", outcome.checkAnswer()).isEqualTo(c.status());
        if (c.status() == 200) {
            Map<String, List<String>> expected = new TreeMap<>();
            c.upstream().forEach((name, value) -> expected.put(name, List.of(value)));
            assertThat(outcome.identityAtUpstream()).as("x-authgear-* handed to the router; the adapter answered %s",
                    outcome.checkAnswer()).isEqualTo(expected);
        } else {
            assertThat(outcome.reachedUpstream()).isFalse();
        }
        assertThat(adapter.process().isAlive()).as("adapter alive\n%s", adapter.log()).isTrue();
    }

    @Test
    void spoofedIdentityHeadersInEverySpellingNeverReachTheRouter() throws Exception {
        AdapterProcess adapter = adapterFor(Map.of("authgear_endpoint", issuer.issuer()));
        for (boolean valid : new boolean[] {true, false}) {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            if (valid) {
                headers.add(GatewayContractTests.bearer(new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, now())));
            }
            headers.addAll(GatewayContractTests.SPOOFED);

            EnvoyExtAuthz.Outcome outcome = envoy.handle("GET", PATH, withHost(headers), adapter.decisionPort());

            Map<String, List<String>> expected = new TreeMap<>();
            if (valid) {
                GatewayContractTests.VALID.forEach((name, value) -> expected.put(name, List.of(value)));
            }
            assertThat(outcome.identityAtUpstream()).as("valid token: %s", valid).isEqualTo(expected);
        }
    }

    @Test
    void anAdapterWithoutSigningKeysIsStatusOnErrorAndNothingGoesOn() throws Exception {
        String unreachable = "http://127.0.0.1:" + AdapterProcess.freePort();
        AdapterProcess adapter = adapterFor(Map.of("authgear_endpoint", unreachable));
        String token = new TokenMinter(unreachable).mint(TokenRecipe.VALID, now());

        EnvoyExtAuthz.Outcome outcome = envoy.handle("GET", PATH, withHost(List.of(GatewayContractTests.bearer(token))), adapter.decisionPort());

        assertThat(outcome.checkAnswer().status()).as("the adapter's own answer").isEqualTo(503);
        assertThat(outcome.status()).as("Envoy's status_on_error").isEqualTo(503);
        assertThat(outcome.reachedUpstream()).isFalse();
    }

    @Test
    void anAdapterThatIsDownIsStatusOnError() throws Exception {
        EnvoyExtAuthz.Outcome outcome = envoy.handle("GET", PATH, withHost(List.of()), AdapterProcess.freePort());
        assertThat(outcome.status()).isEqualTo(503);
        assertThat(outcome.reachedUpstream()).isFalse();
    }

    @Test
    void enforceModeChallengesReachTheClient() throws Exception {
        AdapterProcess adapter = adapterFor(Map.of("authgear_endpoint", issuer.issuer(), "mode", "enforce",
                "policy", Map.of("scopes_all", List.of("orders:write"))));
        String realm = "Bearer realm=\"" + issuer.issuer() + "\"";

        EnvoyExtAuthz.Outcome none = envoy.handle("GET", PATH, withHost(List.of()), adapter.decisionPort());
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.clientHeaders().get("www-authenticate")).containsExactly(realm);

        String expired = new TokenMinter(issuer.issuer()).mint(TokenRecipe.withClaims(Map.of("exp", "now-1")), now());
        EnvoyExtAuthz.Outcome stale = envoy.handle("GET", PATH, withHost(List.of(GatewayContractTests.bearer(expired))), adapter.decisionPort());
        assertThat(stale.status()).isEqualTo(401);
        assertThat(stale.clientHeaders().get("www-authenticate")).containsExactly(realm + ", error=\"invalid_token\"");

        String valid = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, now());
        EnvoyExtAuthz.Outcome scope = envoy.handle("GET", PATH, withHost(List.of(GatewayContractTests.bearer(valid))), adapter.decisionPort());
        assertThat(scope.status()).isEqualTo(403);
        assertThat(scope.reachedUpstream()).isFalse();
    }

    /** A route rule decides on the client's own method and path, which Envoy keeps under the prefix. */
    @Test
    void routeRulesSeeTheClientsMethodAndPath() throws Exception {
        AdapterProcess adapter = adapterFor(Map.of("authgear_endpoint", issuer.issuer(),
                "rules", List.of(Map.of("match", Map.of("path_prefix", "/admin", "methods", List.of("DELETE")), "mode", "enforce"))));

        assertThat(envoy.handle("DELETE", "/admin/users/1", withHost(List.of()), adapter.decisionPort()).status())
                .as("an anonymous DELETE under /admin/").isEqualTo(401);
        assertThat(envoy.handle("GET", "/admin/users/1", withHost(List.of()), adapter.decisionPort()).status())
                .as("an anonymous GET there").isEqualTo(200);
        assertThat(envoy.handle("DELETE", "/api/orders/1", withHost(List.of()), adapter.decisionPort()).status())
                .as("an anonymous DELETE elsewhere").isEqualTo(200);
    }

    /**
     * (Issue 15) The README's Envoy addition for a claim header ("Custom claims as headers"), as
     * edits of the shipped file; gateways/envoy (Go) checks the same edits against Envoy's API.
     */
    private static final List<Map.Entry<String, String>> README_CLAIM_HEADER_EDITS = List.of(
            Map.entry("key_matcher: {prefix: \"x-authgear-\", ignore_case: true}\n",
                    "key_matcher: {prefix: \"x-authgear-\", ignore_case: true}\n"
                            + "                          - remove_on_match:\n"
                            + "                              key_matcher: {exact: x-myapp-tenant, ignore_case: true}\n"),
            Map.entry("- {exact: x-authgear-session-authenticated-at}\n",
                    "- {exact: x-authgear-session-authenticated-at}\n"
                            + "                              - {exact: x-myapp-tenant}\n"));

    /**
     * (Issue 15) The adapter's answer to the check request carries the claim header, and Envoy
     * configured as the README says hands the router that value and no client spelling of the name,
     * with or without a session.
     */
    @Test
    void aClaimHeaderConfiguredAsDocumentedArrivesAndItsSpoofsDoNot() throws Exception {
        EnvoyExtAuthz configured = EnvoyExtAuthz.shippedWith(README_CLAIM_HEADER_EDITS);
        AdapterProcess adapter = adapterFor(Map.of("authgear_endpoint", issuer.issuer(),
                "claims_to_headers", Map.of("x-myapp-tenant", "https://myapp.example/tenant")));
        List<Map.Entry<String, String>> withToken = new ArrayList<>();
        withToken.add(GatewayContractTests.bearer(new TokenMinter(issuer.issuer()).mint(GatewayContractTests.TENANT_ACME, now())));
        withToken.addAll(GatewayContractTests.CLAIM_SPOOFS);

        EnvoyExtAuthz.Outcome session = configured.handle("GET", PATH, withHost(withToken), adapter.decisionPort());
        assertThat(session.checkAnswer().headers().stream().filter(h -> h.getKey().equalsIgnoreCase("x-myapp-tenant"))
                .map(Map.Entry::getValue)).as("the adapter's answer").containsExactly("acme");
        assertThat(claimHeaders(session)).as("handed to the router").isEqualTo(List.of(Map.entry("x-myapp-tenant", "acme")));

        EnvoyExtAuthz.Outcome none = configured.handle("GET", PATH, withHost(GatewayContractTests.CLAIM_SPOOFS), adapter.decisionPort());
        assertThat(none.status()).isEqualTo(200);
        assertThat(claimHeaders(none)).as("no session: no claim header, no spoof").isEmpty();
    }

    private static List<Map.Entry<String, String>> claimHeaders(EnvoyExtAuthz.Outcome outcome) {
        return outcome.upstream().stream().filter(h -> h.getKey().toLowerCase(java.util.Locale.ROOT).contains("myapp")).toList();
    }

    private static AdapterProcess adapterFor(Map<String, Object> config) throws Exception {
        Map<String, Object> full = new LinkedHashMap<>(config);
        full.put("envoy_path_prefix", envoy.pathPrefix());
        return ADAPTERS.forConfig(full);
    }

    private static List<Map.Entry<String, String>> withHost(List<Map.Entry<String, String>> headers) {
        return GatewayContractTests.withHost(HOST, headers);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}

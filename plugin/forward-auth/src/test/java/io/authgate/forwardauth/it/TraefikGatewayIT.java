package io.authgate.forwardauth.it;

import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real Traefik (the version gateways/traefik/go.mod pins, built from its Go module by
 * {@code gateways/build.sh traefik}) in front of the adapter, running {@code traefik-conf/} as
 * shipped (file provider; ports, file path and addresses substituted, the router's host rule kept).
 * Everything in {@link GatewayContractTests}, plus what only Traefik's own settings decide: what the
 * auth request carries with {@code trustForwardHeader: false} and {@code authRequestHeaders}, why the
 * shipped {@code authResponseHeadersRegex} is not the usual one, and which Traefik the static file
 * needs.
 *
 * <p>The pinned v3.6.12 is the newest 3.x the Go module proxy can build (3.7.x needs the module
 * {@code github.com/traefik/traefik/dynamic/ext}, which the proxy does not serve). It predates the
 * entry point's {@code underscoreHeadersStrategy} (v3.6.22 / v3.7.6), so the static file runs with
 * that line deleted, as its own comment says to do on such a version: the identity headers then rest
 * on the forwardAuth regex alone, which is the harder case.
 */
class TraefikGatewayIT extends GatewayContractTests {
    private static final String USUAL_REGEX = "authResponseHeadersRegex: \"^X-Authgear-\"";

    @Override
    protected String front() {
        return "traefik";
    }

    /** forwardAuth copies every matching header of the answer as it is, an empty one too. */
    @Override
    protected boolean forwardsEmptyHeaders() {
        return true;
    }

    @Override
    protected GatewayProcess startGateway(String authgate, String upstream) throws IOException {
        return traefik(authgate, upstream, GatewayProcess.TraefikOptions.shippedFor(GatewayBinaries.TRAEFIK.version()));
    }

    private static GatewayProcess traefik(String authgate, String upstream, GatewayProcess.TraefikOptions options) throws IOException {
        return GatewayProcess.traefik(GatewayBinaries.TRAEFIK.binary(), authgate, upstream, options);
    }

    @Test
    void theShippedStaticFileNeedsTheVersionItNames() throws Exception {
        String version = GatewayBinaries.TRAEFIK.version();
        Path binary = GatewayBinaries.TRAEFIK.binary();
        GatewayProcess.TraefikOptions asShipped = new GatewayProcess.TraefikOptions(true, Map.of());
        if (TraefikVersions.hasUnderscoreHeadersStrategy(version)) {
            others.add(GatewayProcess.traefik(binary, "127.0.0.1:" + AdapterProcess.freePort(), "127.0.0.1:" + upstream.port(), asShipped));
            return; // and every other test here runs the file exactly as shipped
        }
        // traefik.yml: "an older Traefik refuses to start ("field not found") rather than ignoring it"
        assertThatThrownBy(() -> GatewayProcess.traefik(binary, "127.0.0.1:" + AdapterProcess.freePort(),
                "127.0.0.1:" + upstream.port(), asShipped))
                .as("Traefik %s with underscoreHeadersStrategy", version)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited")
                .hasMessageContaining("underscoreHeadersStrategy")
                .hasMessageContaining("field not found");
    }

    /**
     * With {@code trustForwardHeader: false} Traefik writes X-Forwarded-* from the connection, so a
     * client cannot choose the method, path or host decided on; {@code authRequestHeaders} keeps
     * every other client header out of the auth request. Seen by a recording auth server.
     */
    @Test
    void theAuthRequestCarriesOnlyTheCredentialsAndTraefiksOwnForwardedHeaders() throws Exception {
        UpstreamEcho auth = UpstreamEcho.start(); // answers 200: the request goes on
        others.add(auth);
        GatewayProcess gateway = startGateway("127.0.0.1:" + auth.port(), "127.0.0.1:" + upstream.port());
        others.add(gateway);
        auth.clear(); // the start-up probe went through it
        upstream.clear();

        RawHttp.Response response = exchange(gateway, List.of(
                Map.entry("Authorization", "Bearer abc"),
                Map.entry("Cookie", "session=s1"),
                Map.entry("X-Forwarded-Uri", "/public"),
                Map.entry("X-Forwarded-Method", "OPTIONS"),
                Map.entry("X-Forwarded-Host", "other.example.com"),
                Map.entry("X-Forwarded-Proto", "https"),
                Map.entry("X_Forwarded_Uri", "/public"),
                Map.entry("X-Original-Uri", "/public"),
                Map.entry("X-Api-Key", "for-the-backend")));

        assertThat(response.status()).as("%s\n%s", response, gateway.logs()).isEqualTo(200);
        Map<String, List<String>> seen = auth.nextRequest();
        Map<String, List<String>> decided = new TreeMap<>(seen);
        decided.keySet().removeAll(List.of("host", "user-agent", "accept-encoding", "x-forwarded-for", "x-forwarded-port"));
        assertThat(decided).as("the auth request: %s", seen).isEqualTo(new TreeMap<>(Map.of(
                "authorization", List.of("Bearer abc"),
                "cookie", List.of("session=s1"),
                "x-forwarded-method", List.of("GET"),
                "x-forwarded-uri", List.of(PATH),
                "x-forwarded-host", List.of(GatewayProcess.TRAEFIK_HOST),
                "x-forwarded-proto", List.of("http"))));
        assertThat(seen.get("x-forwarded-for")).as("%s", seen).containsExactly("127.0.0.1");
        assertThat(upstream.nextRequest()).as("the backend still gets the client's other headers")
                .containsEntry("x-api-key", List.of("for-the-backend"));
    }

    /**
     * Why the shipped regex is {@code (?i)^x[-_]authgear[-_]}: Go keeps {@code X_Authgear_User_Id}
     * a header of its own ({@code X_authgear_user_id}), which the usual {@code ^X-Authgear-} neither
     * deletes nor recognises, so on a Traefik without the entry point's underscore option it reaches
     * the backend, which may read it as X-Authgear-User-Id.
     */
    @Test
    void theUsualRegexLetsUnderscoreSpellingsReachTheBackend() throws Exception {
        Stack base = base();
        GatewayProcess usual = traefik("127.0.0.1:" + base.adapter().decisionPort(), "127.0.0.1:" + upstream.port(),
                new GatewayProcess.TraefikOptions(false, Map.of()).withDynamicEdit(
                        "authResponseHeadersRegex: \"(?i)^x[-_]authgear[-_]\"", USUAL_REGEX));
        others.add(usual);
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(bearer(mint(TokenRecipe.VALID))));
        headers.addAll(SPOOFED);

        Seen seen = send(new Stack(base.adapter(), usual), headers);

        Map<String, List<String>> expected = new TreeMap<>(Map.of(
                "x_authgear_user_id", List.of("attacker-3"),
                "x_authgear_user_roles", List.of("superuser"),
                "x-authgear_user_verified", List.of("true"),
                "x_authgear-session-valid", List.of("true"),
                "x_authgear_foo", List.of("spoofed")));
        VALID.forEach((name, value) -> expected.put(name, List.of(value)));
        assertThat(seen.identity()).as("behind the usual regex\n%s", seen).isEqualTo(expected);
    }

    /**
     * A header the client names in {@code Connection} is deleted with the Connection header at the
     * entry point, before any middleware (pkg/middlewares/forwardedheaders/forwarded_header.go,
     * removeConnectionHeaders), so it can neither hide a spoofed copy from forwardAuth nor make the
     * reverse proxy strip what forwardAuth copied afterwards: the backend gets all of the adapter's
     * headers and no client copy.
     */
    @Test
    void aConnectionNamedIdentityHeaderNeitherSpoofsNorStripsTheAnswer() throws Exception {
        Seen seen = send(base(), List.of(bearer(mint(TokenRecipe.VALID)),
                Map.entry("Connection", "X-Authgear-User-Id, x_authgear_user_roles, X-Authgear-Foo"),
                Map.entry("X-Authgear-User-Id", "attacker-1"),
                Map.entry("x_authgear_user_roles", "superuser"),
                Map.entry("X-Authgear-Foo", "spoofed")));

        assertIdentity(seen, VALID);
    }

    /**
     * (Issue 15) A claim header through real Traefik with the regex widened as the README's "Custom
     * claims as headers" says: the token's claim arrives, and no client spelling of the name does.
     */
    @Test
    void aClaimHeaderConfiguredAsDocumentedArrivesAndItsSpoofsDoNot() throws Exception {
        Stack base = stack(claimHeaderConfig());
        GatewayProcess traefik = traefik("127.0.0.1:" + base.adapter().decisionPort(), "127.0.0.1:" + upstream.port(),
                GatewayProcess.TraefikOptions.shippedFor(GatewayBinaries.TRAEFIK.version()).withDynamicEdit(
                        "authResponseHeadersRegex: \"(?i)^x[-_]authgear[-_]\"",
                        "authResponseHeadersRegex: \"(?i)^(x[-_]authgear[-_]|x[-_]myapp[-_])\""));
        others.add(traefik);
        Stack stack = new Stack(base.adapter(), traefik);
        assertClaimHeaderArrivesAndItsSpoofsDoNot(stack);
    }
}

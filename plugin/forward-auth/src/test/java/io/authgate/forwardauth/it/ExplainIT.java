package io.authgate.forwardauth.it;

import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code explain FILE} through the built jar: which rule, which decision, the headers or the
 * challenge, the rejection reason; keys fetched as the server does or read from {@code --jwks};
 * bad inputs answered in one line with exit 2; the token never printed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExplainIT {
    private static final String RULES = """
            rules:
              - match: {path_prefix: /admin}
                mode: enforce
                policy: {roles_any: [admin]}
            """;

    @TempDir
    Path dir;
    private TestIssuer issuer;

    @BeforeEach
    void start() {
        issuer = TestIssuer.start();
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    private Path config(String yaml) throws Exception {
        Path file = dir.resolve("authgate-" + System.nanoTime() + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private String token(TokenRecipe recipe) {
        return new TokenMinter(issuer.issuer()).mint(recipe, System.currentTimeMillis() / 1000);
    }

    private Path tokenFile(String token) throws Exception {
        Path file = dir.resolve("token-" + System.nanoTime());
        Files.writeString(file, token + "\n");
        return file;
    }

    private static AdapterProcess.Result explain(Path config, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("explain", config.toString()));
        args.addAll(List.of(flags));
        return AdapterProcess.run(args, Duration.ofSeconds(60));
    }

    private static void assertExplained(AdapterProcess.Result r, String token) {
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain(token).doesNotContain(token.split("\\.")[2]).doesNotContain("Exception");
    }

    @Test
    void aValidTokenWithNoRulesIsAllowedWithItsHeaders() throws Exception {
        String token = token(TokenRecipe.VALID);
        AdapterProcess.Result r = explain(config("authgear_endpoint: " + issuer.issuer() + "\n"), "--token-file", tokenFile(token).toString());
        assertExplained(r, token);
        assertThat(r.output()).contains("rule:       no rules: the top level (mode resolve)")
                .contains("decision:   allow (200)")
                .contains("header:     x-authgear-user-id: c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11")
                .contains("a bearer token (" + token.length() + " characters, from --token-file")
                .doesNotContain("reason:");
        assertThat(issuer.jwksFetches()).as("keys fetched as the server does").isPositive();
    }

    @Test
    void anExpiredTokenOnAnEnforcedRuleIsDeniedWithTheChallengeAndTheReason() throws Exception {
        String token = token(TokenRecipe.withClaims(Map.of("exp", "now-600")));
        AdapterProcess.Result r = explain(config("authgear_endpoint: " + issuer.issuer() + "\n" + RULES),
                "--method", "DELETE", "--host", "app.example", "--path", "/admin/users/1", "--token", token);
        assertExplained(r, token);
        assertThat(r.output()).contains("request:    DELETE app.example/admin/users/1")
                .contains("rule:       rules[0] (match path_prefix /admin; mode enforce)")
                .contains("decision:   deny (401)")
                .contains("challenge:  WWW-Authenticate: Bearer")
                .contains("reason:     token rejected: expired (exp has passed)");
    }

    @Test
    void aWrongAudienceIsNamedAndOutsideTheRulesTheTopLevelDecides() throws Exception {
        String token = token(TokenRecipe.withClaims(Map.of("aud", "https://another-app.example")));
        AdapterProcess.Result r = explain(config("authgear_endpoint: " + issuer.issuer() + "\n" + RULES), "--path", "/public", "--token", token);
        assertExplained(r, token);
        assertThat(r.output()).contains("rule:       no rule matched: the top level (mode resolve)")
                .contains("decision:   allow (200), no session")
                .contains("reason:     token rejected: wrong_audience");
    }

    @Test
    void aValidTokenWithoutTheRoleIsForbidden() throws Exception {
        String token = token(TokenRecipe.withClaims(Map.of("https://authgear.com/claims/user/roles", List.of("viewer"))));
        AdapterProcess.Result r = explain(config("authgear_endpoint: " + issuer.issuer() + "\n" + RULES), "--path", "/admin", "--token", token);
        assertExplained(r, token);
        assertThat(r.output()).contains("rules[0]").contains("decision:   deny (403)").contains("body:");
    }

    @Test
    void keysFromAJwksFileNeedNoNetwork() throws Exception {
        String jwks = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer.jwksUri())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Path jwksFile = dir.resolve("jwks.json");
        Files.writeString(jwksFile, jwks);
        String token = token(TokenRecipe.VALID);
        int fetched = issuer.jwksFetches();
        issuer.failWith(503); // the issuer is down: only the file can give the keys

        AdapterProcess.Result r = explain(config("authgear_endpoint: " + issuer.issuer() + "\n"), "--jwks", jwksFile.toString(), "--token", token);
        assertExplained(r, token);
        assertThat(r.output()).contains("decision:   allow (200)").contains("x-authgear-user-id");
        assertThat(issuer.jwksFetches()).isEqualTo(fetched);
    }

    @Test
    void unreachableKeysAreReported() throws Exception {
        issuer.failWith(503);
        String token = token(TokenRecipe.VALID);
        AdapterProcess.Result r = explain(config("authgear_endpoint: " + issuer.issuer() + "\njwks: {wait_timeout_ms: 2000}\n"), "--token", token);
        assertExplained(r, token);
        assertThat(r.output()).contains("decision:   deny (503)").contains("keys:       JWKS fetch failed: ");
    }

    @Test
    void badInputsAreRefusedInOneLine() throws Exception {
        Path good = config("authgear_endpoint: " + issuer.issuer() + "\n");
        Map<List<String>, String> cases = Map.ofEntries(
                Map.entry(List.of("explain", config("authgear_endpoint: " + issuer.issuer() + "\nmode: enforcing\n").toString()), "invalid configuration: mode: "),
                Map.entry(List.of("explain", dir.resolve("missing.yaml").toString()), "does not exist"),
                Map.entry(List.of("explain", good.toString(), "--token-file", dir.resolve("no-token").toString()), "cannot read --token-file"),
                Map.entry(List.of("explain", good.toString(), "--token-file", dir.toString()), "cannot read --token-file"),
                Map.entry(List.of("explain", good.toString(), "--token", "a", "--token-file", "b"), "not both"),
                Map.entry(List.of("explain", good.toString(), "--jwks", dir.resolve("none.json").toString()), "cannot read --jwks"),
                Map.entry(List.of("explain", good.toString(), "--header", "no-colon"), "--header must be"),
                Map.entry(List.of("explain"), "takes one config file"),
                Map.entry(List.of("explain", good.toString(), "--verb", "GET"), "unknown option --verb"),
                // Endless streams end at the bound (Files.size says 0 for them).
                Map.entry(List.of("explain", good.toString(), "--token-file", "/dev/zero"), "--token-file /dev/zero is larger than 65536 bytes"),
                Map.entry(List.of("explain", good.toString(), "--cookie-file", "/dev/zero"), "--cookie-file /dev/zero is larger than 65536 bytes"),
                Map.entry(List.of("explain", good.toString(), "--jwks", "/dev/zero"), "--jwks /dev/zero is larger than 1048576 bytes"),
                Map.entry(List.of("explain", "/dev/zero"), "/dev/zero is larger than 1 MiB"),
                Map.entry(List.of("explain", good.toString(), "--token-file", tokenFile("a.b.c\nd.e.f").toString()), "must hold one line"));
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            AdapterProcess.Result r = AdapterProcess.run(c.getKey(), Duration.ofSeconds(60));
            assertThat(r.exitCode()).as("%s: %s", c.getKey(), r.output()).isEqualTo(2);
            assertThat(r.output().strip()).as("%s", c.getKey()).startsWith("authgate explain: ").contains(c.getValue())
                    .doesNotContain("\n").doesNotContain("Exception");
        }
    }
}

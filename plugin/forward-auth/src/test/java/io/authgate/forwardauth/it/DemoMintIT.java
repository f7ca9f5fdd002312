package io.authgate.forwardauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --demo --config FILE} runs the user's rules against the development issuer, and
 * {@code mint} signs tokens with that run's key (read from the demo file), through the built jar.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoMintIT {
    /** A real Authgear endpoint and resolver url, which the demo sets aside; an admin-only path. */
    private static final String OWN_RULES = """
            authgear_endpoint: https://myproject.authgear.cloud
            resolver: {url: https://myproject.authgear.cloud/_resolver/resolve}
            listen: 127.0.0.1:0
            admin_listen: 127.0.0.1:0
            rules:
              - match: {path_prefix: /admin}
                mode: enforce
                policy: {roles_any: [admin], amr_any: [mfa]}
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final List<AdapterProcess> adapters = new ArrayList<>();

    @AfterEach
    void stop() {
        adapters.forEach(AdapterProcess::close);
    }

    private AdapterProcess demo(String yaml, Path demoFile) throws Exception {
        Path config = dir.resolve("authgate.yaml");
        Files.writeString(config, yaml);
        AdapterProcess a = AdapterProcess.startWithArgs(dir, List.of("--demo", "--config", config.toString(), "--demo-file", demoFile.toString()));
        adapters.add(a);
        return a;
    }

    private static AdapterProcess.Result mint(Path demoFile, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("mint", "--demo-file", demoFile.toString()));
        args.addAll(List.of(flags));
        return AdapterProcess.run(args, Duration.ofSeconds(30));
    }

    /** The token: the last line of what mint printed (the JVM may print a "Picked up" line first). */
    private static String token(AdapterProcess.Result minted) {
        assertThat(minted.exitCode()).as(minted.output()).isZero();
        List<String> lines = minted.output().lines().toList();
        return lines.get(lines.size() - 1);
    }

    private static RawHttp.Response ask(AdapterProcess a, String path, String token) throws Exception {
        return RawHttp.exchange(a.decisionPort(), RawHttp.get("/_resolver/resolve", a.decisionPort(),
                "X-Forwarded-Method", "GET", "X-Forwarded-Host", "app.example", "X-Forwarded-Uri", path,
                "Authorization", "Bearer " + token));
    }

    private static JsonNode claims(String token) throws Exception {
        return JSON.readTree(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    @Test
    void ownRulesRunAgainstTheDevelopmentIssuerAndMintedTokensMeetThem() throws Exception {
        Path demoFile = dir.resolve("demo-issuer.json");
        AdapterProcess a = demo(OWN_RULES, demoFile);
        assertThat(a.log()).contains("your rules against the development issuer")
                .contains("set aside from the file: authgear_endpoint, resolver.url");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(demoFile))).isEqualTo("rw-------");

        String admin = token(mint(demoFile, "--roles", "admin,editor", "--amr", "pwd,mfa", "--sub", "user-42", "--expires-in", "60"));
        RawHttp.Response allowed = ask(a, "/admin/users", admin);
        assertThat(allowed.status()).as(a.log()).isEqualTo(200);
        assertThat(allowed.authgearHeaders()).containsEntry("x-authgear-user-id", "user-42")
                .containsEntry("x-authgear-session-amr", "pwd mfa");
        assertThat(allowed.authgearHeaders().get("x-authgear-user-roles")).contains("admin").contains("editor");
        JsonNode claims = claims(admin);
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).as("--expires-in 60").isEqualTo(60);

        String noMfa = token(mint(demoFile, "--roles", "admin"));
        assertThat(ask(a, "/admin", noMfa).status()).as("amr_any [mfa] not met: sign in again (401)").isEqualTo(401);
        assertThat(ask(a, "/admin", token(mint(demoFile, "--amr", "mfa"))).status()).as("roles_any [admin] not met").isEqualTo(403);
        assertThat(ask(a, "/public", noMfa).status()).as("outside the rule: resolve mode").isEqualTo(200);
        assertThat(ask(a, "/admin", token(mint(demoFile, "--anonymous", "true"))).status()).isEqualTo(403);
        assertThat(a.log()).doesNotContain(admin).doesNotContain(admin.split("\\.")[2]);

        assertThat(a.terminate(Duration.ofSeconds(20))).isZero();
        assertThat(demoFile).as("the key is deleted when its demo stops").doesNotExist();
        AdapterProcess.Result afterStop = mint(demoFile);
        assertThat(afterStop.exitCode()).isEqualTo(2);
        assertThat(afterStop.output()).contains("no demo is running").contains(demoFile.toString());
    }

    @Test
    void aTokenMintedForAnotherDemoRunIsRefused() throws Exception {
        Path first = dir.resolve("first.json");
        Path second = dir.resolve("second.json");
        AdapterProcess a = demo(OWN_RULES, first);
        Path otherDir = Files.createDirectory(dir.resolve("other"));
        Path otherConfig = otherDir.resolve("authgate.yaml");
        Files.writeString(otherConfig, OWN_RULES);
        AdapterProcess b = AdapterProcess.startWithArgs(otherDir, List.of("--demo", "--config", otherConfig.toString(), "--demo-file", second.toString()));
        adapters.add(b);

        String fromB = token(mint(second, "--roles", "admin", "--amr", "mfa"));
        assertThat(ask(b, "/admin", fromB).status()).isEqualTo(200);
        assertThat(ask(a, "/admin", fromB).status()).as("another run's key and issuer").isEqualTo(401);
    }

    /**
     * {@code --demo --config <(envsubst < tmpl)}: a pipe can be read once. The demo read the file twice
     * (once for what it sets aside, once to run it) and so refused the pipe as empty; one read now.
     */
    @Test
    void ownRulesFromAPipeAreReadOnce() throws Exception {
        Path fifo = dir.resolve("authgate.yaml");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Thread writer = new Thread(() -> {
            try {
                Files.writeString(fifo, OWN_RULES); // blocks until the adapter opens it, as a shell's <(...) does
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.setDaemon(true);
        writer.start();
        Path demoFile = dir.resolve("demo-issuer.json");
        AdapterProcess a = AdapterProcess.startWithArgs(dir, List.of("--demo", "--config", fifo.toString(), "--demo-file", demoFile.toString()));
        adapters.add(a);
        assertThat(a.log()).contains("your rules against the development issuer").contains("set aside from the file: authgear_endpoint, resolver.url");
        assertThat(ask(a, "/admin", token(mint(demoFile, "--roles", "admin"))).status()).as("the pipe's rules run: amr_any [mfa]").isEqualTo(401);
    }

    /**
     * A demo killed with SIGKILL leaves its file behind; a token signed with its key verifies nowhere,
     * so mint says so instead of printing it.
     */
    @Test
    void mintAfterTheDemoWasKilledSaysNoDemoAnswers() throws Exception {
        Path demoFile = dir.resolve("demo-issuer.json");
        AdapterProcess a = demo(OWN_RULES, demoFile);
        token(mint(demoFile)); // the demo runs: a token
        a.process().destroyForcibly().waitFor();
        assertThat(demoFile).as("SIGKILL leaves the file").exists();

        AdapterProcess.Result r = mint(demoFile);
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        assertThat(r.output().strip()).startsWith("authgate mint: no demo answers at http://127.0.0.1:")
                .contains("(the demo that wrote " + demoFile + " has stopped): start one with --demo")
                .doesNotContain("\n").doesNotContain("eyJ");
    }

    @Test
    void mintRefusesBadOptionsInOneLine() throws Exception {
        Path demoFile = dir.resolve("demo-issuer.json");
        demo(OWN_RULES, demoFile);
        for (List<String> bad : List.of(List.of("--expires-in", "0"), List.of("--expires-in", "86401"), List.of("--expires-in", "soon"),
                List.of("--rolez", "admin"), List.of("--roles"), List.of("--anonymous", "yes"))) {
            AdapterProcess.Result r = mint(demoFile, bad.toArray(String[]::new));
            assertThat(r.exitCode()).as("%s: %s", bad, r.output()).isEqualTo(2);
            assertThat(r.output().strip()).as("%s", bad).startsWith("authgate mint: ").doesNotContain("\n").doesNotContain("Exception");
        }
    }

    @Test
    void demoConfigErrorsNameTheKey() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "listen: 0.0.0.0:0\nadmin_listen: 127.0.0.1:0\n");
        AdapterProcess.Result r = AdapterProcess.run(List.of("--demo", "--config", config.toString(), "--demo-file",
                dir.resolve("d.json").toString()), Duration.ofSeconds(30));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output()).contains("authgate: invalid configuration: listen: must be a loopback address");
    }
}

package io.authgate.dist;

import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The release archive as a user gets it: unpacked with the system's {@code tar}, its example
 * config accepted by {@code check}, and the adapter started with the systemd unit's own command
 * line (paths moved from /opt/authgate and /etc/authgate to the unpacked copy) against a local
 * issuer, answering a decision.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DistributionIT {
    private static final Pattern LISTENING = Pattern.compile("listening: decisions (http://[^ ]+/_resolver/resolve), admin http://([^ ]+) ");

    @TempDir
    Path unpacked;
    private TestIssuer issuer;
    private Process adapter;

    @BeforeEach
    void start() {
        issuer = TestIssuer.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (adapter != null && adapter.isAlive()) {
            adapter.destroy();
            if (!adapter.waitFor(15, TimeUnit.SECONDS)) {
                adapter.destroyForcibly();
            }
        }
        issuer.close();
    }

    private static String version() {
        return required("authgate.version");
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(property + " must be set (run through mvn verify)");
        }
        return value;
    }

    /** The archive unpacked; returns its top directory, {@code authgate-VERSION}. */
    private Path unpack() throws Exception {
        Path archive = Path.of(required("authgate.dist.archive"));
        assertThat(archive).as("the archive mvn package builds").isRegularFile();
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as("tar: %s", output).isZero();
        try (Stream<Path> top = Files.list(unpacked)) {
            assertThat(top.map(p -> p.getFileName().toString()).toList()).containsExactly("authgate-" + version());
        }
        return unpacked.resolve("authgate-" + version());
    }

    @Test
    void theArchiveHoldsWhatAReleaseNeeds() throws Exception {
        Path root = unpack();
        String v = version();
        for (String file : List.of("authgate-forward-auth-" + v + ".jar", "plugins/authgate-apisix-plugin-" + v + ".jar",
                "log4j2.xml", "runner-config/fetch-runner.sh", "apisix-conf/config.yaml", "apisix-conf/apisix.yaml",
                "nginx-conf/authgate.conf", "caddy-conf/Caddyfile", "traefik-conf/traefik.yml", "traefik-conf/dynamic.yml",
                "envoy-conf/envoy.yaml", "authgate.yaml", "authgate-forward-auth.service", "README.md", "LICENSE", "NOTICE")) {
            assertThat(root.resolve(file)).as(file).isRegularFile();
        }
        assertThat(Files.isExecutable(root.resolve("runner-config/fetch-runner.sh"))).isTrue();
        assertThat(Files.readString(root.resolve("LICENSE"))).contains("Apache License").contains("Version 2.0, January 2004");
        // The shaded jars carry the licence and notice too, and the adapter's its entry point.
        for (String jar : List.of("authgate-forward-auth-" + v + ".jar", "plugins/authgate-apisix-plugin-" + v + ".jar")) {
            try (JarFile j = new JarFile(root.resolve(jar).toFile())) {
                assertThat(j.getEntry("META-INF/LICENSE")).as(jar + " LICENSE").isNotNull();
                assertThat(new String(j.getInputStream(j.getEntry("META-INF/NOTICE")).readAllBytes(), StandardCharsets.UTF_8))
                        .as(jar + " NOTICE").isEqualTo(Files.readString(root.resolve("NOTICE")));
            }
        }
        try (JarFile j = new JarFile(root.resolve("authgate-forward-auth-" + v + ".jar").toFile())) {
            assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.authgate.forwardauth.Main");
        }
    }

    @Test
    void theSystemdUnitRunsTheReadmesJvmOptionsAndRestartsOnFailureOnly() throws Exception {
        String unit = Files.readString(unpack().resolve("authgate-forward-auth.service"));
        assertThat(unit).contains("\nRestart=on-failure\n").contains("\nRestartPreventExitStatus=2\n").contains("\n[Install]\n");
        assertThat(execStart(unit)).containsSubsequence("/usr/bin/java", "-Xms256m", "-Xmx256m", "-XX:+UseParallelGC",
                "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/authgate/authgate-forward-auth-" + version() + ".jar",
                "--config", "/etc/authgate/authgate.yaml");
    }

    @Test
    void theExampleConfigPassesCheck() throws Exception {
        Path root = unpack();
        List<String> command = List.of(java(), "-jar", root.resolve("authgate-forward-auth-" + version() + ".jar").toString(),
                "check", root.resolve("authgate.yaml").toString());
        Process check = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        assertThat(output).contains("valid (1 rules");
    }

    @Test
    void theAdapterStartsFromTheArchiveWithTheUnitsCommandAndDecides() throws Exception {
        Path root = unpack();
        // The example config, pointed at the local issuer and at free ports: its rules stay as shipped.
        Path config = root.resolve("etc-authgate.yaml");
        String example = Files.readString(root.resolve("authgate.yaml"));
        String yaml = example.replace("authgear_endpoint: https://myapp.authgear.cloud", "authgear_endpoint: " + issuer.issuer())
                .replace("listen: 127.0.0.1:9095", "listen: 127.0.0.1:0")
                .replace("admin_listen: 127.0.0.1:9096", "admin_listen: 127.0.0.1:0");
        assertThat(yaml).as("the example still has the lines this test moves").contains(issuer.issuer())
                .contains("\nlisten: 127.0.0.1:0\n").contains("\nadmin_listen: 127.0.0.1:0\n");
        Files.writeString(config, yaml);

        List<String> command = new ArrayList<>();
        for (String word : execStart(Files.readString(root.resolve("authgate-forward-auth.service")))) {
            command.add(word.equals("/usr/bin/java") ? java()
                    : word.equals("/etc/authgate/authgate.yaml") ? config.toString()
                    : word.replace("/opt/authgate/", root + "/"));
        }
        Path log = root.resolve("adapter.log");
        adapter = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Matcher listening = awaitListening(log);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String token = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
        // With rules, every decision request says what it decides on (X-Forwarded-*, as the gateways send).
        HttpResponse<String> session = http.send(HttpRequest.newBuilder(URI.create(listening.group(1)))
                .header("X-Forwarded-Method", "GET").header("X-Forwarded-Uri", "/orders").header("X-Forwarded-Host", "app.example.com")
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(session.statusCode()).isEqualTo(200);
        assertThat(session.headers().firstValue("x-authgear-user-id")).hasValue("c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11");

        // The shipped rule: /admin needs a session, so no credential there is 401.
        HttpResponse<String> admin = http.send(HttpRequest.newBuilder(URI.create(listening.group(1)))
                .header("X-Forwarded-Method", "GET").header("X-Forwarded-Uri", "/admin/users").header("X-Forwarded-Host", "app.example.com")
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(admin.statusCode()).isEqualTo(401);

        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://" + listening.group(2) + "/metrics"))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("authgate_build_info{version=\"" + version() + "\"} 1");

        adapter.destroy();
        assertThat(adapter.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(adapter.exitValue()).as("SIGTERM, as systemd stops it: %s", Files.readString(log)).isZero();
    }

    /** ExecStart's words (the unit uses no quoting). */
    private static List<String> execStart(String unit) {
        return unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst()
                .map(l -> Arrays.asList(l.substring("ExecStart=".length()).trim().split("\\s+")))
                .orElseGet(() -> fail("no ExecStart= in the unit"));
    }

    private Matcher awaitListening(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                return m;
            }
            if (!adapter.isAlive()) {
                fail("the adapter exited with " + adapter.exitValue() + ":\n" + text);
            }
            Thread.sleep(50);
        }
        return fail("the adapter did not start within 30 s:\n" + Files.readString(log));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}

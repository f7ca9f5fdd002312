package io.authgate.forwardauth.it;

import io.authgate.testkit.TemporaryDirectories;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The adapter jar as a user runs it: arguments and exit codes, {@code AUTHGATE_CONFIG}, SIGTERM
 * draining, the admin port, HTTP on the decision port (keep-alive, HEAD, methods, paths), Envoy's
 * path prefix, the answer when keys cannot be had, and {@code --demo}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdapterProcessIT {
    private static final String EPHEMERAL = "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n";
    private static final Pattern ONE_CONFIG_LINE = Pattern.compile("authgate: invalid configuration: [^\\n]+");

    private TestIssuer issuer;
    private final List<AdapterProcess> adapters = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void startIssuer() {
        issuer = TestIssuer.start();
    }

    @AfterEach
    void stopAll() {
        adapters.forEach(AdapterProcess::close);
        processes.forEach(p -> {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        });
        issuer.close();
    }

    private AdapterProcess adapter(String extraYaml) throws IOException {
        AdapterProcess a = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL + extraYaml);
        adapters.add(a);
        return a;
    }

    private String validToken() {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
    }

    private static RawHttp.Response get(int port, String target, String... headers) throws IOException {
        return RawHttp.exchange(port, RawHttp.get(target, port, headers));
    }

    // ---------------------------------------------------------------------------------------------
    // Arguments, configuration errors and exit codes

    /** Runs the jar to its end with a controlled environment; returns exit code and output. */
    private static AdapterProcess.Result runJar(List<String> args, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-jar", AdapterProcess.jar().toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("AUTHGATE_CONFIG");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the adapter did not exit within 30 s for " + args);
        }
        return new AdapterProcess.Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The output without lines the JVM itself may add (JAVA_TOOL_OPTIONS and the like). */
    private static String ownOutput(String output) {
        return output.lines().filter(l -> !l.startsWith("Picked up ") && !l.startsWith("NOTE: Picked up")).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    private static Path configFile(String yaml) throws IOException {
        Path dir = TemporaryDirectories.create("authgate-config");
        Path file = dir.resolve("authgate.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static void assertRejectedNaming(AdapterProcess.Result result, String key) {
        String out = ownOutput(result.output());
        assertThat(result.exitCode()).as("exit code; output:\n%s", out).isEqualTo(2);
        assertThat(out).as("exactly one line").doesNotContain("\n");
        assertThat(out).matches(ONE_CONFIG_LINE).startsWith("authgate: invalid configuration: " + key + ": ");
        assertThat(out).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Nested
    class ExitCodes {
        @Test
        void badKeyValueExitsTwoWithOneLineNamingIt() throws Exception {
            Path file = configFile("authgear_endpoint: " + issuer.issuer() + "\nlisten: 127.0.0.1:99999\n");
            AdapterProcess.Result r = runJar(List.of("--config", file.toString()), Map.of());
            assertRejectedNaming(r, "listen");
            assertThat(r.output()).contains("0-65535");
        }

        @Test
        void unknownKeyExitsTwoNamingIt() throws Exception {
            Path file = configFile("authgear_endpoint: " + issuer.issuer() + "\nlisten_port: 9095\n");
            assertRejectedNaming(runJar(List.of("--config", file.toString()), Map.of()), "listen_port");
        }

        @Test
        void badCoreKeyExitsTwoNamingIt() throws Exception {
            Path file = configFile("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL + "jwks: {ttl_seconds: 0}\n");
            assertRejectedNaming(runJar(List.of("--config", file.toString()), Map.of()), "jwks.ttl_seconds");
        }

        @Test
        void missingEndpointExitsTwo() throws Exception {
            Path file = configFile(EPHEMERAL);
            assertRejectedNaming(runJar(List.of("--config", file.toString()), Map.of()), "authgear_endpoint");
        }

        @ParameterizedTest
        @ValueSource(strings = {"listen: [127.0.0.1:0\n", "listen: a: b\n", "\t- listen\n", "listen: '127.0.0.1:0\n"})
        void badYamlExitsTwoWithOneLine(String yaml) throws Exception {
            // SnakeYAML's own messages span several lines (a snippet and a caret): still one line out.
            Path file = configFile("authgear_endpoint: " + issuer.issuer() + "\n" + yaml);
            AdapterProcess.Result r = runJar(List.of("--config", file.toString()), Map.of());
            assertRejectedNaming(r, "(document)");
            assertThat(r.output()).contains("not valid YAML").contains(" at line ");
        }

        @Test
        void duplicateKeyIsBadYaml() throws Exception {
            Path file = configFile("authgear_endpoint: " + issuer.issuer() + "\nlisten: 127.0.0.1:0\nlisten: 127.0.0.1:1\n");
            assertRejectedNaming(runJar(List.of("--config", file.toString()), Map.of()), "(document)");
        }

        @Test
        void emptyFileExitsTwo() throws Exception {
            Path file = configFile("");
            AdapterProcess.Result r = runJar(List.of("--config", file.toString()), Map.of());
            assertRejectedNaming(r, "(document)");
            assertThat(r.output()).contains("empty");
        }

        @Test
        void missingFileExitsTwo() throws Exception {
            AdapterProcess.Result r = runJar(List.of("--config", "/nonexistent/authgate.yaml"), Map.of());
            assertRejectedNaming(r, "(document)");
            assertThat(r.output()).contains("cannot read").contains("/nonexistent/authgate.yaml");
        }

        @Test
        void missingFileNamedByTheEnvironmentExitsTwo() throws Exception {
            AdapterProcess.Result r = runJar(List.of(), Map.of("AUTHGATE_CONFIG", "/nonexistent/env.yaml"));
            assertRejectedNaming(r, "(document)");
            assertThat(r.output()).contains("/nonexistent/env.yaml");
        }

        @Test
        void noArgumentsPrintUsageAndExitTwo() throws Exception {
            AdapterProcess.Result r = runJar(List.of(), Map.of());
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(ownOutput(r.output())).startsWith("usage: java -jar " + AdapterProcess.jar().getFileName() + " --config FILE")
                    .contains("AUTHGATE_CONFIG");
        }

        @ParameterizedTest
        @ValueSource(strings = {"--config", "--config x.yaml --demo", "--config a.yaml b.yaml"})
        void wrongArgumentsPrintUsageAndExitTwo(String args) throws Exception {
            AdapterProcess.Result r = runJar(List.of(args.split(" ")), Map.of());
            assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
            assertThat(ownOutput(r.output())).startsWith("usage:");
        }

        @Test
        void aPortInUseExitsOne() throws Exception {
            try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Path file = configFile("authgear_endpoint: " + issuer.issuer() + "\nlisten: 127.0.0.1:" + busy.getLocalPort()
                        + "\nadmin_listen: 127.0.0.1:0\n");
                AdapterProcess.Result r = runJar(List.of("--config", file.toString()), Map.of());
                assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
                assertThat(ownOutput(r.output())).startsWith("authgate: cannot start: ").doesNotContain("\n")
                        .contains(String.valueOf(busy.getLocalPort()));
            }
        }

        @Test
        void authgateConfigEnvironmentVariableNamesTheFile() throws Exception {
            Path file = configFile("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL);
            ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-jar", AdapterProcess.jar().toString()).redirectErrorStream(true);
            pb.environment().put("AUTHGATE_CONFIG", file.toString());
            Path log = file.resolveSibling("env.log");
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            processes.add(p);
            Matcher listening = waitForLog(log, p, Pattern.compile("decisions http://127\\.0\\.0\\.1:(\\d+)/_resolver/resolve, admin http://127\\.0\\.0\\.1:(\\d+) "));
            int decisions = Integer.parseInt(listening.group(1));
            RawHttp.Response r = get(decisions, "/_resolver/resolve", "Authorization", "Bearer " + validToken());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-authgear-user-id")).isEqualTo("c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11");
            p.destroy();
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
    }

    private static Matcher waitForLog(Path log, Process p, Pattern pattern) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            Matcher m = pattern.matcher(text);
            if (m.find()) {
                return m;
            }
            if (!p.isAlive()) {
                fail("the adapter exited with " + p.exitValue() + ":\n" + text);
            }
            Thread.sleep(50);
        }
        return fail("no line matching " + pattern + " within 30 s:\n" + Files.readString(log));
    }

    // ---------------------------------------------------------------------------------------------
    // SIGTERM

    @Test
    void sigtermLetsTheRequestInFlightFinishThenExitsZero() throws Exception {
        // Discovery and JWKS each take 1.5 s: the first token's decision waits about 3 s for keys.
        issuer.delay(Duration.ofMillis(1500));
        AdapterProcess adapter = adapter("jwks: {fetch_timeout_ms: 10000, wait_timeout_ms: 10000}\n");
        String token = validToken();

        RawHttp connection = RawHttp.connect(adapter.decisionPort());
        connection.send(RawHttp.get("/_resolver/resolve", adapter.decisionPort(), "Authorization", "Bearer " + token));
        CompletableFuture<RawHttp.Response> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return connection.read(false);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // Until the adapter has read the request it is not in flight, and a drain rightly closes an idle
        // connection: wait for the gauge (a fixed sleep raced a loaded machine and saw EOF).
        awaitDecisionsInFlight(adapter, 1);
        assertThat(answer).as("the decision is still waiting for keys").isNotDone();

        long terminated = System.nanoTime();
        adapter.process().destroy(); // SIGTERM

        // New connections are refused once it drains (the listener closes first) ...
        assertThat(refusesConnections(adapter.decisionPort(), Duration.ofSeconds(2)))
                .as("decision port closed to new connections after SIGTERM").isTrue();
        // ... while the request in flight gets its answer.
        RawHttp.Response response = answer.get(15, TimeUnit.SECONDS);
        long answered = System.nanoTime();
        connection.close();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("x-authgear-user-id")).isEqualTo("c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11");
        assertThat(answered).as("answered after SIGTERM").isGreaterThan(terminated);

        assertThat(adapter.process().waitFor(15, TimeUnit.SECONDS)).as("exited after the drain").isTrue();
        assertThat(adapter.process().exitValue()).as("exit code after SIGTERM; log:\n%s", adapter.log()).isZero();
        assertThat(adapter.log()).contains("draining requests in flight").contains("stopped")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static void awaitDecisionsInFlight(AdapterProcess adapter, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, Double> metrics = Map.of();
        while (System.nanoTime() < deadline) {
            metrics = PrometheusScrape.scrape(adminPort(adapter));
            if (metrics.getOrDefault("authgate_decisions_in_flight", 0.0) >= n) {
                return;
            }
            Thread.sleep(20);
        }
        fail("authgate_decisions_in_flight never reached " + n + ": " + metrics.get("authgate_decisions_in_flight"));
    }

    @Test
    void sigtermWhenIdleExitsZeroAtOnce() throws Exception {
        AdapterProcess adapter = adapter("");
        assertThat(get(adapter.decisionPort(), "/_resolver/resolve").status()).isEqualTo(200);
        long start = System.nanoTime();
        assertThat(adapter.terminate(Duration.ofSeconds(15))).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }

    private static boolean refusesConnections(int port, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                Thread.sleep(50);
            } catch (ConnectException e) {
                return true;
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------
    // The admin port

    @Nested
    class Admin {
        @Test
        void healthzIsUpEvenWithoutKeys() throws Exception {
            issuer.failWith(503);
            AdapterProcess adapter = adapter("");
            RawHttp.Response r = get(adminPort(adapter), "/healthz");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("ok\n");
        }

        @Test
        void readyzIs503UntilKeysLoadThen200() throws Exception {
            issuer.failWith(503);
            AdapterProcess adapter = adapter("");
            RawHttp.Response before = get(adminPort(adapter), "/readyz");
            assertThat(before.status()).isEqualTo(503);
            assertThat(before.bodyText()).contains("not ready");

            issuer.failWith(0);
            // readyz itself starts a fetch when not ready (after the 1 s back-off that follows a failure).
            RawHttp.Response after = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                after = get(adminPort(adapter), "/readyz");
                if (after.status() == 200) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(after.status()).as("readyz after the JWKS recovered").isEqualTo(200);
            assertThat(after.bodyText()).isEqualTo("ready\n");
        }

        @Test
        void metricsArePrometheusTextAndTheCountersMove() throws Exception {
            issuer.failWith(503);
            AdapterProcess adapter = adapter("");
            int admin = adminPort(adapter);
            int decisions = adapter.decisionPort();
            // The start-up fetch fails.
            Map<String, Double> failed = awaitMetric(admin, "authgate_jwks_fetch_failures_total", 1);
            assertThat(failed.get("authgate_jwks_fetches_total")).isGreaterThanOrEqualTo(1);
            issuer.failWith(0);
            awaitReady(admin);

            Map<String, Double> m1 = scrape(admin);
            assertThat(m1.get("authgate_jwks_fetches_total")).isGreaterThan(m1.get("authgate_jwks_fetch_failures_total"));
            String token = validToken();
            assertThat(get(decisions, "/_resolver/resolve", "Authorization", "Bearer " + token).status()).isEqualTo(200); // miss
            assertThat(get(decisions, "/_resolver/resolve", "Authorization", "Bearer " + token).status()).isEqualTo(200); // hit
            assertThat(get(decisions, "/_resolver/resolve").status()).isEqualTo(200); // no credential
            assertThat(get(decisions, "/_resolver/resolve", "Authorization", "Bearer not.a.jwt").status()).isEqualTo(200); // miss, rejected
            assertThat(get(decisions, "/nope").status()).isEqualTo(404);
            Map<String, Double> m2 = scrape(admin);

            assertThat(delta(m1, m2, "authgate_decisions_total{outcome=\"session\"}")).isEqualTo(2);
            assertThat(delta(m1, m2, "authgate_decisions_total{outcome=\"no_session\"}")).isEqualTo(2);
            assertThat(delta(m1, m2, "authgate_decisions_total{outcome=\"not_found\"}")).isEqualTo(1);
            assertThat(delta(m1, m2, "authgate_decisions_total{outcome=\"keys_unavailable\"}")).isZero();
            assertThat(delta(m1, m2, "authgate_token_cache_hits_total")).isEqualTo(1);
            assertThat(delta(m1, m2, "authgate_token_cache_misses_total")).isEqualTo(2);
            assertThat(delta(m1, m2, "authgate_token_rejections_total{reason=\"malformed\"}")).isEqualTo(1);
            assertThat(delta(m1, m2, "authgate_decision_duration_seconds_count")).isEqualTo(5);
            assertThat(delta(m1, m2, "authgate_decision_duration_seconds_bucket{le=\"+Inf\"}")).isEqualTo(5);
            assertThat(delta(m1, m2, "authgate_decision_duration_seconds_sum")).isPositive();
            // Buckets are cumulative: each is at most the next, the last equals the count.
            List<Double> buckets = m2.entrySet().stream().filter(e -> e.getKey().startsWith("authgate_decision_duration_seconds_bucket"))
                    .map(Map.Entry::getValue).toList();
            assertThat(buckets).hasSizeGreaterThan(5).isSorted();
            assertThat(buckets.get(buckets.size() - 1)).isEqualTo(m2.get("authgate_decision_duration_seconds_count"));
        }

        @Test
        void metricsFormat() throws Exception {
            AdapterProcess adapter = adapter("");
            RawHttp.Response r = get(adminPort(adapter), "/metrics");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            String text = r.bodyText();
            assertThat(text).endsWith("\n");
            for (String line : text.split("\n")) {
                assertThat(line).as("Prometheus text line").matches(
                        "# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\\{[a-z_]+=\"[^\"]*\"})? [0-9.E+-]+");
            }
            for (String family : List.of("authgate_decisions_total", "authgate_token_rejections_total", "authgate_token_cache_hits_total",
                    "authgate_token_cache_misses_total", "authgate_jwks_fetches_total", "authgate_jwks_fetch_failures_total")) {
                assertThat(text).contains("# TYPE " + family + " counter\n");
            }
            assertThat(text).contains("# TYPE authgate_decision_duration_seconds histogram\n");
        }

        @Test
        void managementPathsAreNotServedOnTheDecisionPortNorDecisionsOnTheAdminPort() throws Exception {
            AdapterProcess adapter = adapter("");
            for (String path : List.of("/healthz", "/readyz", "/metrics")) {
                assertThat(get(adapter.decisionPort(), path).status()).as("decision port %s", path).isEqualTo(404);
                assertThat(get(adminPort(adapter), path).status()).as("admin port %s", path).isIn(200, 503);
            }
            RawHttp.Response onAdmin = get(adminPort(adapter), "/_resolver/resolve", "Authorization", "Bearer " + validToken());
            assertThat(onAdmin.status()).isEqualTo(404);
            assertThat(onAdmin.authgearHeaders()).isEmpty();
            assertThat(get(adminPort(adapter), "/").status()).isEqualTo(404);
        }
    }

    private static int adminPort(AdapterProcess adapter) {
        return Integer.parseInt(adapter.adminOrigin().substring(adapter.adminOrigin().lastIndexOf(':') + 1));
    }

    private static Map<String, Double> scrape(int adminPort) throws IOException {
        return PrometheusScrape.scrape(adminPort);
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        return PrometheusScrape.delta(before, after, series);
    }

    private static Map<String, Double> awaitMetric(int adminPort, String series, double atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        Map<String, Double> m = scrape(adminPort);
        while (m.getOrDefault(series, 0.0) < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(100);
            m = scrape(adminPort);
        }
        assertThat(m.get(series)).as(series).isGreaterThanOrEqualTo(atLeast);
        return m;
    }

    private static void awaitReady(int adminPort) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (get(adminPort, "/readyz").status() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        fail("not ready within 15 s");
    }

    // ---------------------------------------------------------------------------------------------
    // HTTP on the decision port

    @Nested
    class DecisionPort {
        @Test
        void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
            AdapterProcess adapter = adapter("");
            int port = adapter.decisionPort();
            String token = validToken();
            try (RawHttp c = RawHttp.connect(port)) {
                for (int i = 0; i < 3; i++) {
                    c.send(RawHttp.get("/_resolver/resolve", port, "Authorization", "Bearer " + token));
                    RawHttp.Response r = c.read(false);
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.header("connection")).isNull();
                    assertThat(r.header("x-authgear-user-id")).isEqualTo("c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11");
                }
                c.send(RawHttp.request("HEAD", "/_resolver/resolve", port, List.of(Map.entry("Authorization", "Bearer " + token))));
                RawHttp.Response head = c.read(true);
                assertThat(head.status()).isEqualTo(200);
                assertThat(head.header("x-authgear-session-valid")).isEqualTo("true");
                c.send(RawHttp.get("/unknown", port));
                assertThat(c.read(false).status()).isEqualTo(404);
                c.send(RawHttp.request("POST", "/_resolver/resolve", port, List.of(Map.entry("Content-Length", "0"))));
                assertThat(c.read(false).status()).isEqualTo(405);
                // No credentials last, on the same connection: headers do not leak from the previous ones.
                c.send(RawHttp.get("/_resolver/resolve", port, "Connection", "close"));
                RawHttp.Response last = c.read(false);
                assertThat(last.status()).isEqualTo(200);
                assertThat(last.authgearHeaders()).isEmpty();
                assertThat(c.closedByPeer()).as("Connection: close honoured").isTrue();
            }
        }

        @Test
        void pipelinedRequestsAreAnsweredInOrder() throws Exception {
            AdapterProcess adapter = adapter("");
            int port = adapter.decisionPort();
            try (RawHttp c = RawHttp.connect(port)) {
                c.send(RawHttp.get("/_resolver/resolve", port, "Authorization", "Bearer " + validToken())
                        + RawHttp.get("/other", port)
                        + RawHttp.get("/_resolver/resolve", port));
                RawHttp.Response first = c.read(false);
                assertThat(first.status()).isEqualTo(200);
                assertThat(first.header("x-authgear-user-id")).isNotNull();
                assertThat(c.read(false).status()).isEqualTo(404);
                RawHttp.Response third = c.read(false);
                assertThat(third.status()).isEqualTo(200);
                assertThat(third.authgearHeaders()).isEmpty();
            }
        }

        @Test
        void pipelinedAnswersKeepRequestOrderWhileADecisionWaitsForKeys() throws Exception {
            // HTTP/1.1 answers pipelined requests in order (RFC 9112 9.3.2). The first decision waits
            // about a second for keys; the second needs none and is ready at once. It must still
            // come second: a client pairs answers with requests by order alone.
            issuer.delay(Duration.ofMillis(500));
            AdapterProcess adapter = adapter("jwks: {fetch_timeout_ms: 10000, wait_timeout_ms: 10000}\n");
            int port = adapter.decisionPort();
            try (RawHttp c = RawHttp.connect(port)) {
                c.send(RawHttp.get("/_resolver/resolve", port, "Authorization", "Bearer " + validToken())
                        + RawHttp.get("/_resolver/resolve", port));
                RawHttp.Response first = c.read(false);
                RawHttp.Response second = c.read(false);
                assertThat(first.header("x-authgear-user-id")).as("the first answer is the token's").isEqualTo("c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11");
                assertThat(second.authgearHeaders()).as("the second answer is the no-credential one").isEmpty();
            }
        }

        @Test
        void headAnswersTheSameHeadersWithNoBody() throws Exception {
            AdapterProcess adapter = adapter("");
            int port = adapter.decisionPort();
            String token = validToken();
            RawHttp.Response byGet = get(port, "/_resolver/resolve", "Authorization", "Bearer " + token);
            try (RawHttp c = RawHttp.connect(port)) {
                c.send(RawHttp.request("HEAD", "/_resolver/resolve", port, List.of(Map.entry("Authorization", "Bearer " + token))));
                RawHttp.Response head = c.read(true);
                assertThat(head.status()).isEqualTo(200);
                assertThat(head.authgearHeaders()).isEqualTo(byGet.authgearHeaders()).hasSize(8);
                assertThat(head.header("content-length")).isEqualTo("0");
                // Nothing follows the head: the next answer on the connection starts cleanly.
                c.send(RawHttp.request("HEAD", "/nope", port, List.of()));
                RawHttp.Response notFound = c.read(true);
                assertThat(notFound.status()).isEqualTo(404);
                c.send(RawHttp.get("/_resolver/resolve", port, "Connection", "close"));
                assertThat(c.read(false).status()).isEqualTo(200);
                assertThat(c.readToEnd()).as("no body bytes after any HEAD answer").isEmpty();
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
        void otherMethodsAre405WithAllow(String method) throws Exception {
            AdapterProcess adapter = sharedAdapter();
            int port = adapter.decisionPort();
            // "Content-Length: 0", as Go's client (Traefik with preserveRequestMethod) sends a body-less POST.
            RawHttp.Response r = RawHttp.exchange(port, RawHttp.request(method, "/_resolver/resolve", port,
                    List.of(Map.entry("Authorization", "Bearer " + validToken()), Map.entry("Content-Length", "0"))));
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.header("allow")).isEqualTo("GET, HEAD");
            assertThat(r.authgearHeaders()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"/", "/resolve", "/_resolver/resolve/", "/_resolver/resolvex", "/_RESOLVER/RESOLVE", "/ext_authz/api"})
        void unknownPathsAre404(String path) throws Exception {
            AdapterProcess adapter = sharedAdapter();
            RawHttp.Response r = get(adapter.decisionPort(), path, "Authorization", "Bearer " + validToken());
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.authgearHeaders()).isEmpty();
        }

        @Test
        void queryStringIsIgnored() throws Exception {
            AdapterProcess adapter = sharedAdapter();
            RawHttp.Response r = get(adapter.decisionPort(), "/_resolver/resolve?from=traefik", "Authorization", "Bearer " + validToken());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-authgear-user-id")).isNotNull();
        }

        @Test
        void keysThatCannotBeHadGive503WithAJsonBodyNeverA3xx() throws Exception {
            issuer.failWith(500);
            AdapterProcess adapter = adapter("");
            int port = adapter.decisionPort();
            for (int i = 0; i < 3; i++) {
                RawHttp.Response r = get(port, "/_resolver/resolve", "Authorization", "Bearer " + validToken());
                assertThat(r.status()).as("attempt %d: %s", i, r).isEqualTo(503);
                assertThat(r.header("content-type")).isEqualTo("application/json");
                assertThat(r.header("retry-after")).isEqualTo("1");
                assertThat(r.bodyText()).startsWith("{").endsWith("}").contains("\"error\":\"temporarily_unavailable\"");
                assertThat(r.header("location")).isNull();
                assertThat(r.authgearHeaders()).isEmpty();
            }
            // Without a token no key is needed: the answer is still "no session".
            RawHttp.Response none = get(port, "/_resolver/resolve");
            assertThat(none.status()).isEqualTo(200);
            assertThat(none.authgearHeaders()).isEmpty();
            assertThat(scrape(adminPort(adapter)).get("authgate_decisions_total{outcome=\"keys_unavailable\"}")).isEqualTo(3);
        }

        private AdapterProcess shared;

        private AdapterProcess sharedAdapter() throws IOException {
            if (shared == null) {
                shared = adapter("");
            }
            return shared;
        }
    }

    @Test
    void rulesPickEnforceModeByTheForwardedRequestAndAnswerWithTheChallenge() throws Exception {
        AdapterProcess adapter = adapter("""
                rules:
                  - match: {path_prefix: /admin}
                    mode: enforce
                    policy: {roles_all: [owner]}
                """);
        int port = adapter.decisionPort();
        String realm = "Bearer realm=\"" + issuer.issuer() + "\"";
        // The gateway says which request with X-Forwarded-Method, -Uri and -Host (forwarded_headers' default).
        RawHttp.Response anonymous = get(port, "/_resolver/resolve", "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/admin/users",
                "X-Forwarded-Host", "api.example.com");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("www-authenticate")).isEqualTo(realm);
        assertThat(anonymous.header("content-type")).isEqualTo("application/json");

        RawHttp.Response spelledAround = get(port, "/_resolver/resolve", "X-Forwarded-Method", "GET", "X-Forwarded-Host", "api.example.com",
                "X-Forwarded-Uri", "/public/../%61dmin?x=1", "Authorization", "Bearer " + validToken());
        assertThat(spelledAround.status()).as("the session lacks the owner role").isEqualTo(403);

        RawHttp.Response open = get(port, "/_resolver/resolve", "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/public",
                "X-Forwarded-Host", "api.example.com");
        assertThat(open.status()).as("the default stays resolve mode").isEqualTo(200);
        assertThat(open.authgearHeaders()).isEmpty();

        // A request that does not say which request it is, or says it with the other family, is refused:
        // guessing would let a client's header choose the rule.
        for (RawHttp.Response undetermined : List.of(
                get(port, "/_resolver/resolve", "X-Forwarded-Uri", "/public"),
                get(port, "/_resolver/resolve", "X-Original-Method", "GET", "X-Original-URI", "/public"),
                get(port, "/_resolver/resolve", "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/admin", "X-Forwarded-Uri", "/public",
                        "X-Forwarded-Host", "api.example.com"))) {
            assertThat(undetermined.status()).as("%s", undetermined).isEqualTo(500);
            assertThat(undetermined.bodyText()).contains("x-forwarded-method, x-forwarded-uri and x-forwarded-host once each");
            assertThat(undetermined.authgearHeaders()).isEmpty();
        }
    }

    @Test
    void forwardedHeadersXOriginalReadsNginxsRecipeHeadersAndIgnoresTheClientsXForwarded() throws Exception {
        AdapterProcess adapter = adapter("""
                forwarded_headers: x-original
                rules:
                  - match: {path_prefix: /admin}
                    mode: enforce
                """);
        int port = adapter.decisionPort();
        RawHttp.Response admin = get(port, "/_resolver/resolve", "X-Original-Method", "GET", "X-Original-URI", "/admin/users",
                "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/public", "X-Forwarded-Host", "api.example.com");
        assertThat(admin.status()).as("%s", admin).isEqualTo(401);
        RawHttp.Response open = get(port, "/_resolver/resolve", "X-Original-Method", "GET", "X-Original-URI", "/public");
        assertThat(open.status()).as("%s", open).isEqualTo(200);
    }

    @Test
    void envoyPathPrefixMakesAnyMethodAndPathUnderItADecision() throws Exception {
        AdapterProcess adapter = adapter("envoy_path_prefix: /ext_authz\n");
        int port = adapter.decisionPort();
        String token = validToken();
        // Envoy's check request: the client's method, path and headers, "content-length: 0" and no
        // body (ext_authz_http_impl.cc; with_request_body off, as it must stay: a body is refused).
        RawHttp.Response post = RawHttp.exchange(port, RawHttp.request("POST", "/ext_authz/api/orders?page=2", port, List.of(
                Map.entry("Host", "api.example.com"),
                Map.entry("Authorization", "Bearer " + token),
                Map.entry("Content-Type", "application/json"),
                Map.entry("content-length", "0"))));
        assertThat(post.status()).isEqualTo(200);
        assertThat(post.authgearHeaders()).containsEntry("x-authgear-user-id", "c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11")
                .containsEntry("x-authgear-session-valid", "true").hasSize(8);

        for (String method : List.of("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")) {
            try (RawHttp c = RawHttp.connect(port)) {
                c.send(RawHttp.request(method, "/ext_authz/any/path", port, List.of(Map.entry("Authorization", "Bearer " + token))));
                RawHttp.Response r = c.read(method.equals("HEAD"));
                assertThat(r.status()).as(method).isEqualTo(200);
                assertThat(r.header("x-authgear-user-id")).as(method).isNotNull();
            }
        }
        RawHttp.Response noToken = RawHttp.exchange(port, RawHttp.request("DELETE", "/ext_authz/api/orders/1", port, List.of()));
        assertThat(noToken.status()).isEqualTo(200);
        assertThat(noToken.authgearHeaders()).isEmpty();
        // The gateway-agnostic path still answers; other paths are still 404.
        assertThat(get(port, "/_resolver/resolve", "Authorization", "Bearer " + token).header("x-authgear-user-id")).isNotNull();
        assertThat(get(port, "/api/orders", "Authorization", "Bearer " + token).status()).isEqualTo(404);
        // The prefix is a path segment: /ext_authzfoo is not under /ext_authz.
        assertThat(get(port, "/ext_authzfoo", "Authorization", "Bearer " + token).status()).isEqualTo(404);
        assertThat(get(port, "/ext_authz", "Authorization", "Bearer " + token).status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------------------------------------
    // --demo

    @Test
    void demoPrintsCurlLinesAndTheirHeadersAndExitsZeroOnSigterm() throws Exception {
        // --demo binds the documented fixed ports. Wait a little for them (another run may be ending),
        // then fail saying which is taken rather than failing obscurely.
        for (int port : List.of(9095, 9096)) {
            assertThat(awaitFree(port, Duration.ofSeconds(30)))
                    .as("--demo needs 127.0.0.1:%d, which another process holds (see `ss -ltnp | grep %d`)", port, port)
                    .isTrue();
        }
        Path dir = TemporaryDirectories.create("authgate-demo");
        AdapterProcess demo = AdapterProcess.startWithArgs(dir, List.of("--demo"));
        adapters.add(demo);
        assertThat(demo.decisionPort()).isEqualTo(9095);
        String out = awaitLog(demo, "Stop with Ctrl-C.");

        assertThat(out).contains("DEVELOPMENT ISSUER");
        List<String> curls = out.lines().filter(l -> l.startsWith("curl -i http://127.0.0.1:9095/_resolver/resolve")).toList();
        assertThat(curls).hasSize(5);
        assertThat(out).contains("x-authgear-user-id: 0b7e3f2a-6c1d-4e59-9a8b-2f4c6d8e1a35")
                .contains("x-authgear-user-id: 5d2c9b41-8e3f-4a76-b1c0-7f9e2d4a6b18")
                .contains("x-authgear-user-roles: admin,editor")
                .contains("-> 200, no x-authgear-* headers")
                .doesNotContain("could not ask the adapter");

        // The printed curl line works as printed: its token yields the printed headers.
        Matcher bearer = Pattern.compile("-H 'Authorization: (Bearer [^']+)'").matcher(curls.get(0));
        assertThat(bearer.find()).isTrue();
        RawHttp.Response r = get(9095, "/_resolver/resolve", "Authorization", bearer.group(1));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-authgear-user-id")).isEqualTo("0b7e3f2a-6c1d-4e59-9a8b-2f4c6d8e1a35");
        // So does the cookie line: the development issuer's resolver knows its demo session.
        Matcher cookie = Pattern.compile("-H 'Cookie: ([^']+)'").matcher(curls.get(2));
        assertThat(cookie.find()).isTrue();
        RawHttp.Response byCookie = get(9095, "/_resolver/resolve", "Cookie", cookie.group(1));
        assertThat(byCookie.status()).isEqualTo(200);
        assertThat(byCookie.header("x-authgear-user-id")).isEqualTo("0b7e3f2a-6c1d-4e59-9a8b-2f4c6d8e1a35");
        assertThat(r.header("x-authgear-user-roles")).isEqualTo("admin,editor");

        assertThat(demo.terminate(Duration.ofSeconds(15))).isZero();
        assertThat(demo.log()).contains("stopped");
    }

    private static boolean awaitFree(int port, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
                return true;
            } catch (IOException busy) {
                Thread.sleep(500);
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    private static String awaitLog(AdapterProcess p, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String log = p.log();
            if (log.contains(text)) {
                return log;
            }
            Thread.sleep(100);
        }
        return fail("no \"" + text + "\" in the log within 30 s:\n" + p.log());
    }
}

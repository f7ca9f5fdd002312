package io.authgate.forwardauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authgate.testkit.TestIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The command line as an operator and a CI pipeline use it, through the built jar in its own
 * process: {@code --version} and {@code --help} (stdout, exit 0), {@code check FILE} (nothing
 * started), the version in the start-up line and in {@code authgate_build_info}, a port in use
 * named with its listener, and the admin port's read-only methods.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommandLineIT {
    private static final String EPHEMERAL = "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n";

    @TempDir
    Path dir;
    private TestIssuer issuer;
    private final List<AdapterProcess> adapters = new ArrayList<>();

    @BeforeEach
    void startIssuer() {
        issuer = TestIssuer.start();
    }

    @AfterEach
    void stopAll() {
        adapters.forEach(AdapterProcess::close);
        issuer.close();
    }

    /** The POM's version, as failsafe passes it: the one place it is written. */
    private static String pomVersion() {
        String v = System.getProperty("authgate.version");
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("authgate.version must be set (run through mvn verify)");
        }
        return v;
    }

    /** Exit code, stdout and stderr kept apart (what goes where is part of the contract). */
    record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-jar", AdapterProcess.jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("AUTHGATE_CONFIG");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the adapter did not exit within 30 s for " + List.of(args));
        }
        return new Run(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path config(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "authgate", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    // --version, --help

    @Test
    void versionPrintsThePomVersionToStdoutAndExitsZero() throws Exception {
        Run r = run("--version");
        assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("authgate forward-auth " + pomVersion() + "\n");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void helpPrintsUsageNamingTheRealJarToStdoutAndExitsZero() throws Exception {
        Run r = run("--help");
        assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderr()).isZero();
        String jarName = AdapterProcess.jar().getFileName().toString();
        assertThat(jarName).as("the built jar carries the version").contains(pomVersion());
        assertThat(r.stdout()).startsWith("usage: java -jar " + jarName + " --config FILE")
                .contains(" check FILE").contains("--demo").contains("AUTHGATE_CONFIG").contains("--version");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void badArgumentsStillPrintUsageToStderrAndExitTwo() throws Exception {
        Run r = run("--frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("usage: java -jar " + AdapterProcess.jar().getFileName());
    }

    // check FILE

    @Test
    void checkAcceptsAValidConfigWithoutBindingItsPortsOrFetchingKeys() throws Exception {
        // The listen port is held and the endpoint is a socket that records any connection: a
        // check that bound or fetched would fail on the first or show on the second.
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket authgear = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path file = config("authgear_endpoint: http://127.0.0.1:" + authgear.getLocalPort() + "\n"
                    + "listen: 127.0.0.1:" + busy.getLocalPort() + "\nadmin_listen: 127.0.0.1:0\n"
                    + "rules:\n  - match: {path_prefix: /admin}\n    mode: enforce\n    policy: {roles_any: [admin]}\n");
            Run r = run("check", file.toString());
            assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderr()).isZero();
            assertThat(r.stdout()).startsWith(file + ": valid (1 rules; listen 127.0.0.1:" + busy.getLocalPort());
            assertThat(r.stderr()).isEmpty();
            authgear.setSoTimeout(200);
            try {
                authgear.accept().close();
                fail("check connected to the authgear_endpoint: it must not need the network");
            } catch (SocketTimeoutException expected) {
                // no connection: nothing was fetched
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"listen: 127.0.0.1:99999\n", "listen_port: 9095\n", "jwks: {ttl_seconds: 0}\n", "listen: [127.0.0.1:0\n"})
    void checkRejectsABadConfigWithTheSameLineAsStartingWouldAndExitsTwo(String bad) throws Exception {
        Path file = config("authgear_endpoint: " + issuer.issuer() + "\n" + bad);
        Run check = run("check", file.toString());
        Run start = run("--config", file.toString());
        assertThat(check.exitCode()).as("exit code; stderr: %s", check.stderr()).isEqualTo(2);
        assertThat(check.stderr()).startsWith("authgate: invalid configuration: ").endsWith("\n")
                .isEqualTo(start.stderr()).doesNotContain("Exception");
        assertThat(check.stderr().strip()).doesNotContain("\n");
        assertThat(check.stdout()).isEmpty();
    }

    @Test
    void checkOfAMissingFileExitsTwoNamingIt() throws Exception {
        Run r = run("check", dir.resolve("absent.yaml").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("authgate: invalid configuration: (document): ").contains("absent.yaml");
    }

    @Test
    void checkWithoutAFileIsUsage() throws Exception {
        Run r = run("check");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("usage:");
    }

    // The version where operators look

    @Test
    void theStartUpLineAndTheBuildInfoMetricCarryTheVersion() throws Exception {
        AdapterProcess adapter = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL);
        adapters.add(adapter);
        assertThat(adapter.log()).contains("authgate forward-auth listening: ").contains("version " + pomVersion());
        RawHttp.Response metrics = RawHttp.exchange(adapter.adminPort(), RawHttp.get("/metrics", adapter.adminPort()));
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(new String(metrics.body(), StandardCharsets.UTF_8)).contains("# TYPE authgate_build_info gauge\n")
                .contains("\nauthgate_build_info{version=\"" + pomVersion() + "\"} 1\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void theAdminPortAnswersOnlyGetAndHead(String method) throws Exception {
        AdapterProcess adapter = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL);
        adapters.add(adapter);
        int port = adapter.adminPort();
        for (String path : List.of("/metrics", "/healthz", "/readyz", "/nowhere")) {
            RawHttp.Response r = RawHttp.exchange(port, RawHttp.request(method, path, port, List.of(Map.entry("Content-Length", "0"))));
            assertThat(r.status()).as("%s %s", method, path).isEqualTo(405);
            assertThat(r.header("allow")).isEqualTo("GET, HEAD");
        }
        try (RawHttp c = RawHttp.connect(port)) {
            c.send(RawHttp.request("HEAD", "/healthz", port, List.of()));
            RawHttp.Response head = c.read(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
        assertThat(RawHttp.exchange(port, RawHttp.get("/healthz", port)).status()).isEqualTo(200);
    }

    // A port in use

    @ParameterizedTest
    @ValueSource(strings = {"listen", "admin_listen"})
    void aPortInUseNamesTheAddressAndTheListenerInOneLine(String listener) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + busy.getLocalPort();
            String other = listener.equals("listen") ? "admin_listen" : "listen";
            Path file = config("authgear_endpoint: " + issuer.issuer() + "\n" + listener + ": " + address + "\n" + other + ": 127.0.0.1:0\n");
            Run r = run("--config", file.toString());
            assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderr()).isEqualTo(1);
            assertThat(r.stderr()).isEqualTo("authgate: cannot start: cannot listen on " + address + " (" + listener + "): address already in use\n");
        }
    }

    /** With {@code log_format: json} the configuration is known by then: a log pipeline reads the reason as JSON too. */
    @Test
    void aPortInUseUnderLogFormatJsonIsOneJsonLine() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + busy.getLocalPort();
            Path file = config("authgear_endpoint: " + issuer.issuer() + "\nlisten: " + address + "\nadmin_listen: 127.0.0.1:0\nlog_format: json\n");
            Run r = run("--config", file.toString());
            assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderr()).isEqualTo(1);
            assertThat(r.stderr().lines().toList()).as("stderr").hasSize(1);
            JsonNode line = new ObjectMapper().readTree(r.stderr());
            assertThat(line.get("level").textValue()).isEqualTo("error");
            assertThat(line.get("event").textValue()).isEqualTo("cannot_start");
            assertThat(line.get("message").textValue())
                    .isEqualTo("cannot start: cannot listen on " + address + " (listen): address already in use");
            assertThat(line.get("time").textValue()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        }
    }
}

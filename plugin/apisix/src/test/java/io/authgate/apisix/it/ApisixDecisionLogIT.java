package io.authgate.apisix.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.TemporaryDirectories;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner-level decision log ({@code -Dauthgate.decision_log=true}) through the real runner and
 * its shipped log4j2 configuration: one JSON object per decision on the {@code io.authgate.decisions}
 * logger, with the request, the outcome, the user, and never the token; and none without the switch.
 */
class ApisixDecisionLogIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestIssuer issuer;

    @BeforeAll
    static void start() {
        issuer = TestIssuer.start();
    }

    @AfterAll
    static void stop() {
        if (issuer != null) {
            issuer.close();
        }
    }

    private static String route() {
        return "{\"authgear_endpoint\":\"" + issuer.issuer() + "\",\"mode\":\"enforce\"}";
    }

    /** The runner's log once it holds {@code n} decision lines: they are written by a thread of their own, after the answer. */
    private static String logWith(ApisixHarness apisix, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String log = apisix.log();
        while (decisionLines(log).size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
            log = apisix.log();
        }
        return log;
    }

    private static List<JsonNode> decisionLines(String log) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : log.lines().filter(l -> l.contains("\"event\":\"decision\"")).toList()) {
            assertThat(line).as("on its own logger").contains(" i.a.decisions {");
            out.add(JSON.readTree(line.substring(line.indexOf('{'))));
        }
        return out;
    }

    @Test
    void withTheSwitchEachDecisionIsOneJsonObjectWithoutTheToken() throws Exception {
        String token = new TokenMinter(issuer.issuer()).mint(
                TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString())), System.currentTimeMillis() / 1000);
        try (ApisixHarness apisix = ApisixHarness.start(List.of("-Dauthgate.decision_log=true"))) {
            ReqCallResult allowed = apisix.call(route(), HttpRequestSpec.get("/api/caf\u00e9 \"x\"").header("Host", "api.example.com")
                    .header("Authorization", "Bearer " + token).build());
            assertThat(allowed.action()).isEqualTo(ReqCallResult.Action.REWRITE);
            ReqCallResult denied = apisix.call(route(), HttpRequestSpec.get("/admin").header("Host", "api.example.com").build());
            assertThat(denied.action()).isEqualTo(ReqCallResult.Action.STOP);
            String expired = new TokenMinter(issuer.issuer()).mint(
                    TokenRecipe.withClaims(Map.of("jti", UUID.randomUUID().toString(), "exp", "now-1")), System.currentTimeMillis() / 1000);
            ReqCallResult rejected = apisix.call(route(), HttpRequestSpec.get("/admin").header("Authorization", "Bearer " + expired).build());
            assertThat(rejected.action()).isEqualTo(ReqCallResult.Action.STOP);

            String log = logWith(apisix, 3);
            List<JsonNode> lines = decisionLines(log);
            assertThat(lines).as("one per decision:\n%s", log).hasSize(3);
            JsonNode session = lines.get(0);
            assertThat(session.get("method").textValue()).isEqualTo("GET");
            assertThat(session.has("host")).as("APISIX sends the runner $upstream_host, not the client's Host").isFalse();
            assertThat(session.get("path").textValue()).isEqualTo("/api/caf\u00e9 \"x\"");
            assertThat(session.get("status").intValue()).isEqualTo(200);
            assertThat(session.get("outcome").textValue()).isEqualTo("session");
            assertThat(session.get("user_id").textValue()).isEqualTo(AuthgearClaims.USER_ID);
            assertThat(session.get("latency_ms").doubleValue()).isGreaterThanOrEqualTo(0.0);
            JsonNode refused = lines.get(1);
            assertThat(refused.get("status").intValue()).isEqualTo(401);
            assertThat(refused.get("outcome").textValue()).isEqualTo("denied");
            assertThat(refused.has("user_id")).isFalse();
            assertThat(refused.has("reason")).as("no token, no reason").isFalse();
            JsonNode expiredLine = lines.get(2);
            assertThat(expiredLine.get("outcome").textValue()).isEqualTo("denied");
            assertThat(expiredLine.get("reason").textValue()).isEqualTo("expired");
            for (String t : List.of(token, expired)) {
                assertThat(log).doesNotContain(t).doesNotContain(t.substring(t.lastIndexOf('.') + 1));
            }
        }
    }

    /**
     * APISIX's $uri is decoded, so a client's %C2%85 (NEL, a line break to some log readers) or %C2%9B
     * (CSI to a terminal honouring C1 controls) reaches the runner as a character: the line escapes it.
     */
    @Test
    void aC1ControlInThePathIsEscapedNotWritten() throws Exception {
        String path = "/api/a\u0085b\u009b2J";
        try (ApisixHarness apisix = ApisixHarness.start(List.of("-Dauthgate.decision_log=true"))) {
            assertThat(apisix.call(route(), HttpRequestSpec.get(path).build()).action()).isEqualTo(ReqCallResult.Action.STOP);
            String log = logWith(apisix, 1);
            List<String> lines = log.lines().filter(l -> l.contains("\"event\":\"decision\"")).toList();
            assertThat(lines).as("one line:\n%s", log).hasSize(1);
            assertThat(lines.get(0)).doesNotContainPattern("[\\x{80}-\\x{9f}]").contains("\"path\":\"/api/a\\u0085b\\u009b2J\"");
            assertThat(decisionLines(log).get(0).get("path").textValue()).isEqualTo(path);
        }
    }

    /**
     * The runner hands the path over decoded already (flatbuffers reads the string as UTF-8), not one char
     * per byte as header values: decoding it again would log "/api/\u00c3\u00a9" (the path a client sent as
     * %C3%83%C2%A9) as "/api/\u00e9", another path.
     */
    @Test
    void thePathIsLoggedAsTheRunnerGaveIt() throws Exception {
        String path = "/api/\u00c3\u00a9";
        try (ApisixHarness apisix = ApisixHarness.start(List.of("-Dauthgate.decision_log=true"))) {
            assertThat(apisix.call(route(), HttpRequestSpec.get(path).build()).action()).isEqualTo(ReqCallResult.Action.STOP);
            assertThat(decisionLines(logWith(apisix, 1)).get(0).get("path").textValue()).isEqualTo(path);
        }
    }

    /**
     * APISIX's privileged agent drains the runner's stdout in a Lua timer ({@code setup_runner} in
     * {@code ext-plugin/init.lua}); when that stalls, or a terminal or journald does, the pipe fills
     * (64 KiB). log4j2's console appender writes on the thread that logs, and decisions are logged on
     * the runner's event loops: the runner stopped answering after about 127 decisions. Decision lines
     * now go through a bounded queue written by a thread of their own; past the bound they are dropped
     * and counted, and a line says how many once the output takes lines again.
     */
    @Test
    void anOutputNobodyReadsNeverHoldsADecision() throws Exception {
        Path dir = TemporaryDirectories.create("authgate-stalled-stdout");
        Path socket = dir.resolve("runner.sock");
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Files.createSymbolicLink(plugins.resolve("authgate.jar"), RunnerProcess.pluginJar().toAbsolutePath());
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dauthgate.decision_log=true", "-Dlogging.config=" + ApisixHarness.repoFile("runner-config/log4j2.xml"),
                "-Dloader.path=" + plugins, "-jar", RunnerProcess.runnerJar().toAbsolutePath().toString())
                .redirectErrorStream(true);
        builder.environment().put("APISIX_LISTEN_ADDRESS", "unix:" + socket);
        builder.environment().put("APISIX_CONF_EXPIRE_TIME", "3600");
        Process runner = builder.start();
        try {
            InputStream output = runner.getInputStream();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(socket) && System.nanoTime() < deadline) {
                output.skip(output.available()); // read while it starts, then never again
                Thread.sleep(50);
            }
            assertThat(socket).as("the runner listens").exists();
            Thread.sleep(500);
            output.skip(output.available());

            String token = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
            try (ApisixExtPluginClient client = new ApisixExtPluginClient(socket, Duration.ofSeconds(5))) {
                long conf = client.prepareConf("r", List.of(Map.entry("AuthgearResolver", route())));
                // 2000 lines of ~4 KB: a hundred times what the pipe holds, and past the queue's 4 Mi characters.
                for (int i = 0; i < 2000; i++) {
                    ReqCallResult r = client.call(conf, HttpRequestSpec.get("/api/" + "x".repeat(4000))
                            .header("Authorization", "Bearer " + token).build());
                    assertThat(r.action()).as("decision %d, with nobody reading the runner's output", i).isEqualTo(ReqCallResult.Action.REWRITE);
                }
            }

            // Reading again: the lines kept, then one saying how many were dropped.
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!read.toString(StandardCharsets.UTF_8).contains("decision_log_lines_dropped") && System.nanoTime() < until) {
                int n = output.available();
                if (n > 0) {
                    read.write(output.readNBytes(n));
                } else {
                    Thread.sleep(50);
                }
            }
            String text = read.toString(StandardCharsets.UTF_8);
            assertThat(text).as("the drop is said").contains("\"event\":\"decision_log_lines_dropped\"");
            assertThat(text).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
        } finally {
            runner.destroyForcibly().waitFor();
            TemporaryDirectories.delete(dir);
        }
    }

    @Test
    void withoutTheSwitchNoDecisionIsLogged() throws Exception {
        try (ApisixHarness apisix = ApisixHarness.start()) {
            assertThat(apisix.call(route(), HttpRequestSpec.get("/admin").header("Host", "api.example.com").build()).action())
                    .isEqualTo(ReqCallResult.Action.STOP);
            Thread.sleep(500); // a line would be written by then (it is within milliseconds with the switch)
            assertThat(apisix.log()).contains("route configured").doesNotContain("\"event\":\"decision\"");
        }
    }
}

package io.authgate.forwardauth.log;

import io.authgate.core.DecisionRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.authgate.core.JwksFailure;
import io.authgate.core.ResolverFailure;
import io.authgate.core.StateChange;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigSection;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lines each format writes: text by default, one JSON object per line with {@code log_format: json}. */
class AdapterLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI JWKS = URI.create("https://auth.example.com/oauth2/jwks");
    private static final StartupSummary SUMMARY = new StartupSummary("1.2.3", "https://auth.example.com",
            "discovered from https://auth.example.com/.well-known/openid-configuration", "enforce", 2, true,
            new InetSocketAddress("127.0.0.1", 9095), "/_resolver/resolve", new InetSocketAddress("127.0.0.1", 9096));

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private List<String> lines(LogFormat format, java.util.function.Consumer<AdapterLog> writes) {
        AdapterLog log = AdapterLog.to(format, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        writes.accept(log);
        log.flush();
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void textLinesAreOneSentenceEachAndTheStartLineReadsAsItAlwaysHas() {
        List<String> lines = lines(LogFormat.TEXT, log -> {
            log.started(SUMMARY);
            log.stateChanged(new StateChange.KeysFailing(JWKS, JwksFailure.DNS, "UnresolvedAddressException"));
            log.configReloaded(Path.of("/etc/authgate.yaml"), 3, 5);
            log.reloadRefused(Path.of("/etc/authgate.yaml"), "rules[0].mode", "must be resolve or enforce");
        });

        assertThat(lines).containsExactly(
                "authgate forward-auth listening: decisions http://127.0.0.1:9095/_resolver/resolve, admin http://127.0.0.1:9096"
                        + " (/healthz /readyz /metrics); version 1.2.3, issuer https://auth.example.com,"
                        + " jwks discovered from https://auth.example.com/.well-known/openid-configuration, mode enforce, 2 rules, resolver on",
                "authgate: cannot fetch signing keys from " + JWKS + " (dns): UnresolvedAddressException",
                "authgate: config reloaded from /etc/authgate.yaml (3 rules, was 5)",
                "authgate: config reload refused, the running configuration keeps serving: /etc/authgate.yaml: rules[0].mode:"
                        + " must be resolve or enforce");
    }

    @Test
    void jsonLinesCarryTimeLevelEventTheFactsAndTheSentence() throws Exception {
        List<String> lines = lines(LogFormat.JSON, log -> {
            log.started(SUMMARY);
            log.stateChanged(new StateChange.KeysChanged(JWKS, List.of("k3"), List.of("k1")));
            log.stateChanged(new StateChange.ResolverStillFailing(7, Duration.ofSeconds(20), ResolverFailure.TIMEOUT,
                    "Authgear's resolver did not answer in time"));
            log.reloadRefused(Path.of("/etc/authgate.yaml"), "log_format", "must be text or json, not \"xml\"");
        });

        assertThat(lines).hasSize(4);
        JsonNode start = JSON.readTree(lines.get(0));
        assertThat(Instant.parse(start.get("time").textValue())).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(start.get("level").textValue()).isEqualTo("info");
        assertThat(start.get("event").textValue()).isEqualTo("started");
        assertThat(start.get("version").textValue()).isEqualTo("1.2.3");
        assertThat(start.get("issuer").textValue()).isEqualTo("https://auth.example.com");
        assertThat(start.get("mode").textValue()).isEqualTo("enforce");
        assertThat(start.get("rules").intValue()).isEqualTo(2);
        assertThat(start.get("resolver").booleanValue()).isTrue();
        assertThat(start.get("listen").textValue()).isEqualTo("127.0.0.1:9095");
        assertThat(start.get("admin_listen").textValue()).isEqualTo("127.0.0.1:9096");
        assertThat(start.get("message").textValue()).startsWith("forward-auth listening: decisions http://127.0.0.1:9095/_resolver/resolve");

        JsonNode changed = JSON.readTree(lines.get(1));
        assertThat(changed.get("event").textValue()).isEqualTo("jwks_changed");
        assertThat(changed.get("jwks_uri").textValue()).isEqualTo(JWKS.toString());
        assertThat(changed.get("added").toString()).isEqualTo("[\"k3\"]");
        assertThat(changed.get("removed").toString()).isEqualTo("[\"k1\"]");

        JsonNode still = JSON.readTree(lines.get(2));
        assertThat(still.get("level").textValue()).isEqualTo("warn");
        assertThat(still.get("event").textValue()).isEqualTo("resolver_still_failing");
        assertThat(still.get("failures").longValue()).isEqualTo(7);
        assertThat(still.get("failing_for_seconds").longValue()).isEqualTo(20);
        assertThat(still.get("cause").textValue()).isEqualTo("timeout");

        JsonNode refused = JSON.readTree(lines.get(3));
        assertThat(refused.get("key").textValue()).isEqualTo("log_format");
        assertThat(refused.get("reason").textValue()).isEqualTo("must be text or json, not \"xml\"");
    }

    @Test
    void theDecisionLogIsOffUnlessAskedForAndThenOneJsonObjectPerDecision() throws Exception {
        List<String> lines = lines(LogFormat.TEXT, log -> {
            assertThat(log.decisions(false)).isSameAs(DecisionLog.OFF);
            assertThat(DecisionLog.OFF.enabled()).isFalse();
            DecisionLog on = log.decisions(true);
            assertThat(on.enabled()).isTrue();
            on.record(new DecisionRecord(Instant.parse("2026-12-01T12:00:00.123Z"), Optional.of("GET"), Optional.of("app.example.com"),
                    Optional.of("/a\"b\u0001/caf\u00e9"), 401, "denied", Optional.of("expired"), Optional.of("rules[1]"), Optional.empty(),
                    1_234_567));
        });

        assertThat(lines).containsExactly("{\"time\":\"2026-12-01T12:00:00.123Z\",\"event\":\"decision\",\"method\":\"GET\","
                + "\"host\":\"app.example.com\",\"path\":\"/a\\\"b\\u0001/caf\u00e9\",\"status\":401,\"outcome\":\"denied\","
                + "\"reason\":\"expired\",\"rule\":\"rules[1]\",\"latency_ms\":1.234}");
        assertThat(JSON.readTree(lines.get(0)).get("path").textValue()).isEqualTo("/a\"b\u0001/caf\u00e9");
    }

    @Test
    void logFormatAndDecisionLogAreValidatedNamingTheKey() {
        assertThat(LogSettings.parse(section(JSON.createObjectNode()))).isEqualTo(LogSettings.DEFAULTS);
        ObjectNode json = JSON.createObjectNode().put("log_format", "json").put("decision_log", true);
        assertThat(LogSettings.parse(section(json))).isEqualTo(new LogSettings(LogFormat.JSON, true));

        assertThatThrownBy(() -> LogSettings.parse(section(JSON.createObjectNode().put("log_format", "xml"))))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("log_format");
                    assertThat(e.reason()).isEqualTo("must be text or json, not xml");
                });
        assertThatThrownBy(() -> LogSettings.parse(section(JSON.createObjectNode().put("log_format", 1))))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("log_format"));
        assertThatThrownBy(() -> LogSettings.parse(section(JSON.createObjectNode().put("decision_log", "yes"))))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.key()).isEqualTo("decision_log");
                    assertThat(e.reason()).isEqualTo("must be true or false (got \"yes\")");
                });
    }

    private static ConfigSection section(ObjectNode node) {
        return ConfigSection.root(node, "");
    }

    @Test
    void revocationFeedLinesCarryTheFailureKindAndCounts() throws Exception {
        List<String> lines = lines(LogFormat.JSON, log -> {
            log.stateChanged(new StateChange.FeedFailing(io.authgate.core.RevocationFeedFailure.CONNECT,
                    "redis://redis:6379/0: ConnectException: Connection refused"));
            log.stateChanged(new StateChange.FeedStillFailing(4, Duration.ofSeconds(10), io.authgate.core.RevocationFeedFailure.TIMEOUT,
                    "redis://redis:6379/0: no answer in time"));
            log.stateChanged(new StateChange.FeedRecovered(5, Duration.ofSeconds(12)));
        });

        JsonNode failing = JSON.readTree(lines.get(0));
        assertThat(failing.get("level").textValue()).isEqualTo("warn");
        assertThat(failing.get("event").textValue()).isEqualTo("revocation_feed_failing");
        assertThat(failing.get("failure").textValue()).isEqualTo("connect");
        assertThat(failing.get("reason").textValue()).isEqualTo("redis://redis:6379/0: ConnectException: Connection refused");
        JsonNode still = JSON.readTree(lines.get(1));
        assertThat(still.get("failures").longValue()).isEqualTo(4);
        assertThat(still.get("failing_for_seconds").longValue()).isEqualTo(10);
        assertThat(still.get("failure").textValue()).isEqualTo("timeout");
        JsonNode recovered = JSON.readTree(lines.get(2));
        assertThat(recovered.get("level").textValue()).isEqualTo("info");
        assertThat(recovered.get("event").textValue()).isEqualTo("revocation_feed_recovered");
        assertThat(recovered.get("failures").longValue()).isEqualTo(5);
        assertThat(recovered.get("after_seconds").longValue()).isEqualTo(12);
    }
}

package io.authgate.forwardauth;

import io.authgate.forwardauth.log.LogFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.lang.management.ManagementFactory;

import static io.authgate.forwardauth.AdapterConfigTest.parse;
import static io.authgate.forwardauth.AdapterConfigTest.rejected;
import static org.assertj.core.api.Assertions.assertThat;

/** The adapter's connection keys: defaults, bounds, and bad values failing at start naming the key. */
class ConnectionPolicyTest {
    private static final String ENDPOINT = "authgear_endpoint: https://myapp.authgear.cloud\n";

    private static ConnectionPolicy policy(String yaml) {
        return parse(ENDPOINT + yaml).connections();
    }

    private static boolean gateway(ConnectionPolicy p, String address) throws Exception {
        return p.gatewaySources().contains(InetAddress.getByName(address));
    }

    @Test
    void defaults() throws Exception {
        ConnectionPolicy p = policy("");
        assertThat(p.maxConnections()).isEqualTo(1024);
        assertThat(p.maxConnectionsPerSource()).as("no per-source cap unless asked for").isEmpty();
        assertThat(p.requestHeadTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.maxPipelinedRequests()).isEqualTo(16);
        assertThat(p.descriptorsNeeded()).isEqualTo(2048);
        assertThat(gateway(p, "127.0.0.1")).isTrue();
        assertThat(gateway(p, "127.10.0.3")).isTrue();
        assertThat(gateway(p, "::1")).isTrue();
        assertThat(gateway(p, "10.0.0.1")).isFalse();
    }

    @Test
    void everyKeySet() throws Exception {
        ConnectionPolicy p = policy("max_connections: 5000\nmax_connections_per_source: 100\ngateway_sources: [10.0.0.5, 10.1.0.0/16, \"fd00::/8\"]\n"
                + "request_head_timeout_ms: 2500\nmax_pipelined_requests: 4\n");
        assertThat(p.maxConnections()).isEqualTo(5000);
        assertThat(p.maxConnectionsPerSource()).hasValue(100);
        assertThat(p.requestHeadTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(p.maxPipelinedRequests()).isEqualTo(4);
        assertThat(gateway(p, "10.0.0.5")).isTrue();
        assertThat(gateway(p, "10.0.0.6")).isFalse();
        assertThat(gateway(p, "10.1.255.7")).isTrue();
        assertThat(gateway(p, "10.2.0.1")).isFalse();
        assertThat(gateway(p, "fd12:3456::1")).isTrue();
        assertThat(gateway(p, "fe80::1")).isFalse();
        assertThat(gateway(p, "127.0.0.1")).as("a list replaces the default").isFalse();
    }

    @Test
    void anEmptyGatewayListMakesEverySourceCapped() throws Exception {
        ConnectionPolicy p = policy("max_connections_per_source: 10\ngateway_sources: []\n");
        assertThat(gateway(p, "127.0.0.1")).isFalse();
    }

    @Test
    void prefixLengthsAreExact() throws Exception {
        ConnectionPolicy p = policy("max_connections_per_source: 10\ngateway_sources: [192.168.4.0/22, 0.0.0.0/0]\n");
        assertThat(gateway(p, "8.8.8.8")).as("/0 is everything IPv4").isTrue();
        assertThat(gateway(p, "::2")).as("but not IPv6").isFalse();
        ConnectionPolicy q = policy("max_connections_per_source: 10\ngateway_sources: [192.168.4.0/22]\n");
        assertThat(gateway(q, "192.168.7.255")).isTrue();
        assertThat(gateway(q, "192.168.8.0")).isFalse();
        assertThat(gateway(q, "192.168.3.255")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1000001", "1.5", "\"1024\"", "[1]", "null"})
    void maxConnectionsIsAWholeNumberFrom1ToAMillion(String value) {
        assertThat(rejected(ENDPOINT + "max_connections: " + value + "\n", "max_connections")).contains("from 1 to 1000000");
    }

    @Test
    void thePerSourceCapCannotExceedTheTotal() {
        assertThat(rejected(ENDPOINT + "max_connections: 100\nmax_connections_per_source: 101\n", "max_connections_per_source"))
                .contains("from 1 to 100");
        assertThat(rejected(ENDPOINT + "max_connections_per_source: 0\n", "max_connections_per_source")).contains("from 1 to 1024");
    }

    @Test
    void gatewaySourcesWithoutAPerSourceCapIsAMistake() {
        assertThat(rejected(ENDPOINT + "gateway_sources: [10.0.0.5]\n", "gateway_sources")).contains("max_connections_per_source");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[gateway.internal]", "[10.0.0]", "[10.0.0.5/33]", "[\"::1/129\"]", "[10.0.0.0/x]", "[\"10.0.0.0/-1\"]",
            "10.0.0.5", "[5]", "[\"[::1]\"]"})
    void gatewaySourcesAreLiteralAddressesOrRanges(String value) {
        assertThat(rejected(ENDPOINT + "max_connections_per_source: 10\ngateway_sources: " + value + "\n", "gateway_sources"))
                .containsAnyOf("IP address", "prefix length");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99", "600001", "\"10s\"", "2.5"})
    void requestHeadTimeoutIsFrom100MsTo10Minutes(String value) {
        assertThat(rejected(ENDPOINT + "request_head_timeout_ms: " + value + "\n", "request_head_timeout_ms")).contains("from 100 to 600000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1025", "true"})
    void maxPipelinedRequestsIsFrom1To1024(String value) {
        assertThat(rejected(ENDPOINT + "max_pipelined_requests: " + value + "\n", "max_pipelined_requests")).contains("from 1 to 1024");
    }

    @Test
    void theDescriptorWarningNamesTheLimitAndTheNeed() {
        // The JVM running this test has some limit; a cap far above it must be warned about.
        assertThat(Main.descriptorWarning(policy("max_connections: 1000000\n")).map(l -> l.render(LogFormat.TEXT, Instant.EPOCH)))
                .hasValueSatisfying(line -> assertThat(line)
                .startsWith("authgate: warning: the open-file limit (").contains("max_connections 1000000 needs (1001024)").doesNotContain("\n"));
        long limit = ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        assertThat(limit).as("this machine's open-file limit (the adapter's tests need a few thousand)").isGreaterThanOrEqualTo(1025);
        assertThat(Main.descriptorWarning(policy("max_connections: 1\n"))).as("1025 needed, %d allowed", limit).isEmpty();
    }
}

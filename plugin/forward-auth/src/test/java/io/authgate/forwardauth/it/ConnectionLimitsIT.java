package io.authgate.forwardauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections are a bounded resource: a flood past {@code max_connections} (and past
 * {@code max_connections_per_source} from a source that is not a gateway) is closed at once and
 * counted, the slots free the moment connections close, and running out of file descriptors (the
 * process under {@code prlimit --nofile=256:256}) never kills a thread or stops accepting for good.
 * The adapter runs as its own process, as a user runs it; everything is on loopback.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConnectionLimitsIT {
    private static final String RESOLVE = "/_resolver/resolve";
    private static final String EPHEMERAL = "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n";
    /** How soon a freed slot must be usable again, with room for a loaded 2-core machine. */
    private static final long RECOVERY_MILLIS = 2_500;

    private TestIssuer issuer;
    private final List<AdapterProcess> adapters = new ArrayList<>();
    private final List<RawHttp> connections = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void startIssuer() {
        issuer = TestIssuer.start();
    }

    @AfterEach
    void stopAll() {
        releaseAll();
        adapters.forEach(AdapterProcess::close);
        issuer.close();
    }

    private AdapterProcess adapter(String extraYaml, AdapterProcess.Launch launch) throws IOException {
        AdapterProcess a = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL + extraYaml, launch);
        adapters.add(a);
        return a;
    }

    private String token() {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
    }

    /** A connection that has had one answer and stays open (kept alive, idle). */
    private RawHttp held(int port, InetAddress from) throws IOException {
        RawHttp c = RawHttp.connect(port, from);
        connections.add(c);
        c.send(RawHttp.get(RESOLVE, port, "Authorization", "Bearer " + token()));
        assertThat(c.read(false).status()).as("a connection within the cap is served").isEqualTo(200);
        return c;
    }

    /** A connection the adapter must close at once, unanswered. */
    private void assertRefused(int port, InetAddress from) throws IOException {
        try (RawHttp c = RawHttp.connect(port, from)) {
            long started = System.nanoTime();
            try {
                c.send(RawHttp.get(RESOLVE, port, "Authorization", "Bearer " + token()));
            } catch (java.net.SocketException e) {
                // already closed: refused
            }
            assertThat(c.closedWithin(3_000)).as("a connection past the cap is closed, unanswered").isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("closed at once").isLessThan(2_000);
        }
    }

    private void releaseAll() {
        for (RawHttp c : connections) {
            try {
                c.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        connections.clear();
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        sockets.clear();
    }

    /** Milliseconds until a new connection from {@code from} gets a 200, trying every 50 ms for 10 s; fails if never. */
    private long millisUntilServed(int port, InetAddress from) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(10);
        String last = "";
        while (System.nanoTime() < deadline) {
            try (RawHttp c = RawHttp.connect(port, from)) {
                c.socket().setSoTimeout(1_000);
                c.send(RawHttp.get(RESOLVE, port, "Authorization", "Bearer " + token()));
                RawHttp.Response r = c.read(false);
                if (r.status() == 200) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                }
                last = r.toString();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no new connection was served within 10 s; last: " + last);
    }

    private static InetAddress address(String literal) throws IOException {
        return InetAddress.getByName(literal);
    }

    @Test
    void aFloodPastTheCapIsClosedAtOnceAndTheSlotsFreeTheMomentConnectionsClose() throws Exception {
        AdapterProcess adapter = adapter("max_connections: 40\n", AdapterProcess.Launch.AS_THE_USER);
        int port = adapter.decisionPort();
        int admin = adapter.adminPort();
        InetAddress loopback = address("127.0.0.1");
        Map<String, Double> before = PrometheusScrape.scrape(admin);

        for (int i = 0; i < 40; i++) {
            held(port, loopback);
        }
        for (int i = 0; i < 20; i++) {
            assertRefused(port, loopback);
        }
        // The management port has its own connections: it still answers.
        Map<String, Double> during = PrometheusScrape.scrape(admin);
        assertThat(PrometheusScrape.delta(before, during, "authgate_connections_refused_total{reason=\"max_connections\"}")).isEqualTo(20);
        assertThat(during.get("authgate_connections_open")).isEqualTo(40);
        // The held connections are still served.
        RawHttp first = connections.get(0);
        first.send(RawHttp.get(RESOLVE, port));
        assertThat(first.read(false).status()).isEqualTo(200);

        releaseAll();
        assertThat(millisUntilServed(port, loopback)).as("ms until a new connection is served after the release").isLessThan(RECOVERY_MILLIS);
        assertThat(adapter.process().isAlive()).isTrue();
    }

    @Test
    void aSourceThatIsNotAGatewayIsCappedAndTheGatewayIsNot() throws Exception {
        // 127.0.0.1 plays the gateway, 127.0.0.2 another host on the network (loopback is a /8 on Linux).
        AdapterProcess adapter = adapter("max_connections_per_source: 3\ngateway_sources: [127.0.0.1]\n", AdapterProcess.Launch.AS_THE_USER);
        int port = adapter.decisionPort();
        int admin = adapter.adminPort();
        InetAddress gateway = address("127.0.0.1");
        InetAddress other = address("127.0.0.2");
        Map<String, Double> before = PrometheusScrape.scrape(admin);

        List<RawHttp> fromOther = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fromOther.add(held(port, other));
        }
        assertRefused(port, other);
        assertRefused(port, other);
        for (int i = 0; i < 10; i++) {
            held(port, gateway);
        }
        Map<String, Double> after = PrometheusScrape.scrape(admin);
        assertThat(PrometheusScrape.delta(before, after, "authgate_connections_refused_total{reason=\"max_connections_per_source\"}")).isEqualTo(2);
        assertThat(PrometheusScrape.delta(before, after, "authgate_connections_refused_total{reason=\"max_connections\"}")).isZero();

        for (RawHttp c : fromOther) {
            c.close();
        }
        assertThat(millisUntilServed(port, other)).as("ms until the other source is served again").isLessThan(RECOVERY_MILLIS);
    }

    @Test
    void runningOutOfFileDescriptorsNeverStopsAcceptingForGood() throws Exception {
        AdapterProcess adapter = floodPastTheDescriptorLimit("");
        String log = adapter.log();
        assertThat(log).as("no thread died, nothing logged but the lines about descriptors")
                .doesNotContain("Exception").doesNotContain("Error").doesNotContain("\tat ");
        assertThat(log.lines().filter(l -> l.startsWith("authgate: cannot accept connections: out of file descriptors")).count())
                .as("one line says what ran out\n%s", log).isEqualTo(1);
        assertThat(log).as("warned at start").contains("authgate: warning: the open-file limit (256) is below what max_connections 1024 needs");
        int admin = adapter.adminPort();
        assertThat(PrometheusScrape.scrape(admin).get("authgate_accept_errors_total")).as("accept errors counted").isPositive();
    }

    /** The same lines under {@code log_format: json}: JSON objects a log pipeline can match on, as every other line. */
    @Test
    void underLogFormatJsonTheDescriptorLinesAreJson() throws Exception {
        AdapterProcess adapter = floodPastTheDescriptorLimit("log_format: json\n");
        assertThat(adapter.terminate(Duration.ofSeconds(30))).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : adapter.log().lines().filter(l -> !l.isBlank()).toList()) {
            lines.add(new ObjectMapper().readTree(l)); // fails on any line that is not JSON
        }
        List<JsonNode> low = lines.stream().filter(n -> n.get("event").textValue().equals("open_file_limit_low")).toList();
        assertThat(low).as("warned at start\n%s", adapter.log()).hasSize(1);
        assertThat(low.get(0).get("level").textValue()).isEqualTo("warn");
        assertThat(low.get(0).get("limit").asLong()).isEqualTo(256);
        assertThat(low.get(0).get("max_connections").asLong()).isEqualTo(1024);
        List<JsonNode> failing = lines.stream().filter(n -> n.get("event").textValue().equals("accept_failing")).toList();
        assertThat(failing).as("one line says what ran out\n%s", adapter.log()).hasSize(1);
        assertThat(failing.get(0).get("level").textValue()).isEqualTo("warn");
        assertThat(failing.get(0).get("message").textValue()).startsWith("cannot accept connections: out of file descriptors");
    }

    /**
     * 256 descriptors, under the default max_connections: accept(2) fails with EMFILE while the
     * flood is held. The default configuration, so this runs the same on an adapter without caps.
     * Returns the adapter, alive and serving again after the flood.
     */
    private AdapterProcess floodPastTheDescriptorLimit(String extraYaml) throws Exception {
        Path prlimit = Path.of("/usr/bin/prlimit");
        assertThat(Files.isExecutable(prlimit)).as("this test needs prlimit (Debian package util-linux)").isTrue();
        AdapterProcess adapter = adapter(extraYaml, new AdapterProcess.Launch(List.of(prlimit.toString(), "--nofile=256:256"), List.of()));
        int port = adapter.decisionPort();
        InetAddress loopback = address("127.0.0.1");
        assertThat(millisUntilServed(port, loopback)).isLessThan(RECOVERY_MILLIS);

        // More connections than descriptors: the kernel completes them (the listen backlog), the
        // adapter accepts what it can.
        for (int i = 0; i < 400; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(loopback, port), 2_000);
            sockets.add(s);
        }
        Thread.sleep(2_000);
        assertThat(adapter.process().isAlive()).as("alive while descriptors are exhausted\n%s", adapter.log()).isTrue();

        releaseAll();
        assertThat(millisUntilServed(port, loopback)).as("ms until a new connection is served after the release\n%s", adapter.log())
                .isLessThan(RECOVERY_MILLIS);
        // Still serving a while later (no thread died on the way).
        Thread.sleep(1_000);
        assertThat(millisUntilServed(port, loopback)).isLessThan(RECOVERY_MILLIS);
        return adapter;
    }
}

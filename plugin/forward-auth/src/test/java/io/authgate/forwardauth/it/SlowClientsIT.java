package io.authgate.forwardauth.it;

import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow and greedy clients are cut off, with the defaults a user gets: a request head must be
 * complete within {@code request_head_timeout_ms} (10 s), whatever trickles in; a connection that
 * pipelines requests and never reads the answers stops being read, so it cannot grow the adapter's
 * memory; and other clients are served quickly meanwhile. The adapter runs as its own process with
 * the README's JVM options; everything is on loopback.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SlowClientsIT {
    private static final String RESOLVE = "/_resolver/resolve";
    private static final String EPHEMERAL = "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n";
    /** The default head deadline, and the margins around it for a loaded 2-core machine. */
    private static final long DEADLINE_MILLIS = 10_000;
    private static final long EARLIEST_CUT_MILLIS = DEADLINE_MILLIS - 1_000;
    private static final long LATEST_CUT_MILLIS = DEADLINE_MILLIS + 3_000;
    /** The slowest answer another client may get meanwhile. */
    private static final long OTHERS_MAX_MILLIS = 1_500;

    private TestIssuer issuer;
    private AdapterProcess adapter;
    private int port;

    @BeforeEach
    void start() throws IOException {
        issuer = TestIssuer.start();
        adapter = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL);
        port = adapter.decisionPort();
    }

    @AfterEach
    void stop() {
        adapter.close();
        issuer.close();
    }

    private String token() {
        return new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
    }

    /** One request on a fresh connection: how long until its 200. */
    private long millisForAnotherClient() throws IOException {
        long started = System.nanoTime();
        RawHttp.Response r = RawHttp.exchange(port, RawHttp.get(RESOLVE, port, "Authorization", "Bearer " + token()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-authgear-user-id")).isNotNull();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    @Test
    void aHeadSentAByteASecondIsCutOffAtTheDeadlineAndOthersAreServedMeanwhile() throws Exception {
        Map<String, Double> before = PrometheusScrape.scrape(adapter.adminPort());
        long started = System.nanoTime();
        RawHttp slow = RawHttp.connect(port);
        RawHttp silent = RawHttp.connect(port); // connects, then never sends a byte
        slow.send("GET " + RESOLVE + " HTTP/1.1\r\nHost: x\r\n");
        byte[] trickle = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.ISO_8859_1);
        long slowCut = -1;
        long silentCut = -1;
        long othersWorst = 0;
        try (slow; silent) {
            for (int i = 0; i < trickle.length && (slowCut < 0 || silentCut < 0); i++) {
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                if (elapsed > LATEST_CUT_MILLIS + 2_000) {
                    break;
                }
                if (slowCut < 0) {
                    try {
                        slow.send(new byte[] {trickle[i]});
                    } catch (java.net.SocketException e) {
                        slowCut = elapsed; // the adapter reset the connection it had closed
                    }
                }
                othersWorst = Math.max(othersWorst, millisForAnotherClient());
                long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (System.nanoTime() < waitUntil) {
                    long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    if (slowCut < 0 && slow.closedWithin(50)) {
                        slowCut = now;
                    }
                    if (silentCut < 0 && silent.closedWithin(50)) {
                        silentCut = now;
                    }
                }
            }
        }
        assertThat(slowCut).as("ms until the byte-a-second head was cut off (deadline %d ms)", DEADLINE_MILLIS)
                .isBetween(EARLIEST_CUT_MILLIS, LATEST_CUT_MILLIS);
        assertThat(silentCut).as("ms until the connection that sent nothing was cut off").isBetween(EARLIEST_CUT_MILLIS, LATEST_CUT_MILLIS);
        assertThat(othersWorst).as("slowest answer to another client meanwhile, ms").isLessThan(OTHERS_MAX_MILLIS);
        Map<String, Double> after = PrometheusScrape.scrape(adapter.adminPort());
        assertThat(PrometheusScrape.delta(before, after, "authgate_connections_closed_total{reason=\"request_head_timeout\"}")).isEqualTo(2);
    }

    @Test
    void aPipelinerThatNeverReadsCannotGrowTheAdaptersMemory() throws Exception {
        String request = RawHttp.get(RESOLVE, port, "Authorization", "Bearer " + token());
        byte[] batch = request.repeat(200).getBytes(StandardCharsets.ISO_8859_1);
        warmUp(batch);
        Thread.sleep(500);
        long residentBefore = adapter.residentKiB();

        // One connection writes pipelined requests as fast as it can and never reads an answer.
        AtomicLong written = new AtomicLong();
        Socket greedy = new Socket(InetAddress.getLoopbackAddress(), port);
        Thread writer = new Thread(() -> {
            try (OutputStream out = greedy.getOutputStream()) {
                while (!Thread.currentThread().isInterrupted()) {
                    out.write(batch);
                    written.addAndGet(batch.length);
                }
            } catch (IOException e) {
                // closed by the test (or the adapter): done
            }
        }, "greedy-pipeliner");
        writer.setDaemon(true);
        writer.start();

        long othersWorst = 0;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        while (System.nanoTime() < until) {
            othersWorst = Math.max(othersWorst, millisForAnotherClient());
            Thread.sleep(250);
        }
        long residentDuring = adapter.residentKiB();
        long writtenDuring = written.get();
        writer.interrupt();
        greedy.close();
        writer.join(5_000);

        long growthMiB = (residentDuring - residentBefore) / 1024;
        assertThat(growthMiB).as("resident memory growth, MiB, while the pipeliner wrote %d MiB", writtenDuring >> 20).isLessThan(64);
        assertThat(writtenDuring >> 20).as("MiB the pipeliner could write: only what the socket buffers hold, not what the adapter reads")
                .isLessThan(48);
        assertThat(othersWorst).as("slowest answer to another client meanwhile, ms").isLessThan(OTHERS_MAX_MILLIS);
        assertThat(millisForAnotherClient()).isLessThan(OTHERS_MAX_MILLIS);
    }

    @Test
    void pipelinedPastTheCapWhileDecisionsWaitForKeysAllAreAnsweredInOrder() throws Exception {
        // Two answers outstanding at most; the first decisions wait half a second for keys. The
        // connection is read again each time an answer is written, and answers keep request order.
        issuer.delay(java.time.Duration.ofMillis(500));
        try (AdapterProcess capped = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\n" + EPHEMERAL
                + "max_pipelined_requests: 2\njwks: {fetch_timeout_ms: 10000, wait_timeout_ms: 10000}\n")) {
            int cappedPort = capped.decisionPort();
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                requests.append(i % 2 == 0 ? RawHttp.get(RESOLVE, cappedPort, "Authorization", "Bearer " + token(), "X-Seq", "" + i)
                        : RawHttp.get(RESOLVE, cappedPort, "X-Seq", "" + i));
            }
            try (RawHttp c = RawHttp.connect(cappedPort)) {
                c.send(requests.toString());
                for (int i = 0; i < 8; i++) {
                    RawHttp.Response r = c.read(false);
                    assertThat(r.status()).as("answer %d", i).isEqualTo(200);
                    assertThat(r.header("x-authgear-user-id") != null).as("answer %d is request %d's", i, i).isEqualTo(i % 2 == 0);
                }
            }
            assertThat(PrometheusScrape.scrape(capped.adminPort()).get("authgate_connection_read_pauses_total{reason=\"max_pipelined_requests\"}"))
                    .as("the cap was reached").isPositive();
        }
    }

    /** Pipelined requests whose answers are read: the JIT and the heap warmed up before measuring. */
    private void warmUp(byte[] batch) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[65536];
                try {
                    while (in.read(buffer) != -1) {
                        // discard
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "warm-up-reader");
            reader.setDaemon(true);
            reader.start();
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 150; i++) {
                out.write(batch);
            }
            out.write(RawHttp.get(RESOLVE, port, "Connection", "close").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            reader.join(30_000);
            assertThat(reader.isAlive()).as("the warm-up's 30,000 answers were read").isFalse();
        }
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            samples.add(millisForAnotherClient());
        }
        assertThat(samples).allMatch(ms -> ms < OTHERS_MAX_MILLIS);
    }
}

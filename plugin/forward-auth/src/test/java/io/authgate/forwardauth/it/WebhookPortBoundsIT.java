package io.authgate.forwardauth.it;

import io.authgate.testkit.AuthgearClaims;
import io.authgate.testkit.AuthgearWebhooks;
import io.authgate.testkit.TestIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook port's bounds against the attacks of issue 14's review (findings 1 and 9), on the real
 * adapter jar: a slow sender is closed at the whole-request deadline, one source cannot hold every
 * connection, and badly signed requests, however many are pipelined, cannot crowd out Authgear's
 * signed events. Another source is another 127.x.y.z (Linux routes all of 127/8 to loopback).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookPortBoundsIT {
    private static final String SECRET = "it-webhook-secret-0123456789abcd";
    /** The deadline for a whole request ({@code ForwardAuthServer.WEBHOOK_REQUEST_TIMEOUT}), with a loaded machine's margin. */
    private static final int DEADLINE_MS = 10_000;
    private static final int MARGIN_MS = 8_000;

    private TestIssuer issuer;
    private AdapterProcess adapter;
    private long seq = 1000;

    @BeforeEach
    void start() throws IOException {
        issuer = TestIssuer.start();
        adapter = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\nlisten: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n"
                + "webhook_listen: 127.0.0.1:0\nmode: enforce\nrevocation:\n  webhook_secret: " + SECRET + "\n");
    }

    @AfterEach
    void stop() {
        adapter.close();
        issuer.close();
    }

    private String signedEvent() {
        byte[] body = AuthgearWebhooks.event("user.signed_out", AuthgearClaims.USER_ID, System.currentTimeMillis() / 1000, ++seq);
        return request(body, AuthgearWebhooks.sign(SECRET, body));
    }

    private static String request(byte[] body, String signature) {
        return "POST /authgear/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-authgear-body-signature: "
                + signature + "\r\nContent-Length: " + body.length + "\r\n\r\n" + new String(body, StandardCharsets.UTF_8);
    }

    private int postFrom(InetAddress source) throws IOException {
        try (RawHttp c = RawHttp.connect(adapter.webhookPort(), source)) {
            c.send(signedEvent());
            return c.read(false).status();
        }
    }

    @Test
    void aRequestTrickledAByteAtATimeIsClosedAtTheDeadline() throws Exception {
        try (RawHttp slow = RawHttp.connect(adapter.webhookPort())) {
            slow.send("POST /authgear/webhook HTTP/1.1\r\nHost: x\r\n");
            long start = System.nanoTime();
            boolean closed = false;
            while (!closed && (System.nanoTime() - start) / 1_000_000 < DEADLINE_MS + MARGIN_MS) {
                try {
                    slow.send("X"); // a byte a second: an idle timeout never fires
                } catch (IOException e) {
                    closed = true;
                    break;
                }
                closed = slow.closedWithin(1000);
            }
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(closed).as("a head still unfinished after %d ms is closed", tookMs).isTrue();
            assertThat(tookMs).as("not before the deadline").isGreaterThanOrEqualTo(DEADLINE_MS - 1000);
        }
    }

    @Test
    void oneSourceHoldingHalfSentRequestsLocksOutNoOneElse() throws Exception {
        InetAddress attacker = InetAddress.getByName("127.0.0.3");
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                RawHttp c = RawHttp.connect(adapter.webhookPort(), attacker);
                held.add(c);
                try {
                    c.send("POST /authgear/webhook HTTP/1.1\r\nHost: x\r\n");
                } catch (IOException refused) {
                    // past the per-source cap the adapter closes it: fine
                }
            }
            Thread.sleep(300);
            int open = 0;
            for (RawHttp c : held) {
                if (!c.closedWithin(20)) {
                    open++;
                }
            }
            assertThat(open).as("one source holds at most the per-source cap").isEqualTo(8);
            assertThat(postFrom(InetAddress.getByName("127.0.0.2"))).as("Authgear, from another source, is served").isEqualTo(200);
        } finally {
            for (RawHttp c : held) {
                c.close();
            }
        }
    }

    @Test
    void pipelinedBadlySignedRequestsDoNotStarveSignedEvents() throws Exception {
        byte[] junk = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] bad = request(junk, "0".repeat(64)).getBytes(StandardCharsets.US_ASCII);
        byte[] flood = new byte[bad.length * 3000];
        for (int i = 0; i < 3000; i++) {
            System.arraycopy(bad, 0, flood, i * bad.length, bad.length);
        }
        InetAddress attacker = InetAddress.getByName("127.0.0.3");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) { // an attacker reconnects when closed, and never reads an answer
                        try (RawHttp c = RawHttp.connect(adapter.webhookPort(), attacker)) {
                            while (!stop.get()) {
                                c.send(flood);
                            }
                        } catch (IOException closed) {
                            // closed by the adapter: connect again
                        }
                    }
                });
                t.setDaemon(true);
                t.start();
                senders.add(t);
            }
            Thread.sleep(300);
            List<Integer> statuses = new ArrayList<>();
            InetAddress authgear = InetAddress.getByName("127.0.0.2");
            for (int i = 0; i < 40; i++) {
                statuses.add(postFrom(authgear));
                Thread.sleep(20);
            }
            assertThat(statuses).as("every signed disable during the flood is taken").containsOnly(200);
        } finally {
            stop.set(true);
            for (Thread t : senders) {
                t.join(10_000);
            }
        }
    }
    @Test
    void aSecondRequestSentBeforeTheFirstIsAnsweredClosesTheConnection() throws Exception {
        String closedSeries = "authgate_connections_closed_total{reason=\"webhook_pipelined\"}";
        double before = PrometheusScrape.scrape(adapter.adminPort()).getOrDefault(closedSeries, 0.0);
        try (RawHttp c = RawHttp.connect(adapter.webhookPort())) {
            c.send(signedEvent() + signedEvent()); // Authgear's client never pipelines
            byte[] got = c.readToEnd();
            String answers = new String(got, StandardCharsets.ISO_8859_1);
            assertThat(answers.split("HTTP/1.1 ", -1).length - 1).as("at most the first is answered: " + answers).isLessThanOrEqualTo(1);
        }
        assertThat(PrometheusScrape.scrape(adapter.adminPort()).getOrDefault(closedSeries, 0.0) - before).as(closedSeries).isEqualTo(1.0);
        assertThat(postFrom(InetAddress.getLoopbackAddress())).as("a request at a time is served").isEqualTo(200);
    }
}

package io.authgate.forwardauth.it;

import io.authgate.testkit.TestIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management port's 64 connections cannot be held by clients that never finish a request: idle
 * ones, and ones that send a byte now and then (slowloris), are closed at the admin request
 * deadline, so health checks and scrapes get through again. Before, only the 60 s idle timeout
 * closed them, which a byte every few seconds resets: 64 such clients kept {@code /healthz}
 * refused for as long as they liked.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminPortBoundsIT {
    /** The deadline (10 s) plus room for a loaded 2-core machine; well under the 60 s idle timeout. */
    private static final long RECOVERED_WITHIN_MILLIS = 25_000;

    private final TestIssuer issuer = TestIssuer.start();
    private final List<Socket> held = new ArrayList<>();
    private AdapterProcess adapter;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : held) {
            s.close();
        }
        if (adapter != null) {
            adapter.close();
        }
        issuer.close();
    }

    @Test
    void connectionsThatNeverFinishARequestAreClosedAtTheDeadline() throws Exception {
        adapter = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\nlisten: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n");
        int admin = adapter.adminPort();
        for (int i = 0; i < 64; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", admin), 5_000);
            if (i % 2 == 0) {
                s.getOutputStream().write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)); // a head never finished
            }
            held.add(s);
        }
        Thread.sleep(500); // admitted on the event loops, which run in parallel: let all 64 be counted first
        assertThat(healthz(admin)).as("the cap is held: a 65th connection is refused").isEqualTo(-1);
        long started = System.nanoTime();
        int status = -1;
        while (status != 200 && elapsedMillis(started) < RECOVERED_WITHIN_MILLIS) {
            Thread.sleep(500);
            for (int i = 1; i < held.size(); i += 2) {
                trickle(held.get(i)); // a byte each round: resets an idle timeout, must not move the deadline
            }
            status = healthz(admin);
        }
        assertThat(status).as("/healthz answered within %d ms of the cap being held", RECOVERED_WITHIN_MILLIS).isEqualTo(200);
        for (Socket s : held) {
            assertThat(closedByServer(s)).as("every held connection was closed").isTrue();
        }
        Map<String, Double> metrics = PrometheusScrape.scrape(admin);
        assertThat(metrics.get("authgate_connections_closed_total{reason=\"admin_request_timeout\"}")).isEqualTo(64.0);
    }

    /**
     * A request Netty could not parse is a clean 4xx here too, as on the decision port, and never
     * answered as if it had been read: before, a head Netty had cut off at its bound was served
     * (200 for /metrics) and a TLS hello was a 404.
     */
    @Test
    void unparsableRequestsAreA4xxNotAnAnswer() throws Exception {
        adapter = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\nlisten: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n");
        int admin = adapter.adminPort();
        assertThat(status(admin, "GET /metrics HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(70_000) + "\r\n\r\n")).isEqualTo(431);
        assertThat(status(admin, "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(414);
        assertThat(status(admin, "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n")).isEqualTo(400);
        assertThat(status(admin, "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\r\n\r\n")).isEqualTo(400);
        assertThat(status(admin, "GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n")).isEqualTo(400);
        assertThat(healthz(admin)).as("and the port still serves").isEqualTo(200);
    }

    /** The status line's code for one raw request on a new connection, -1 when closed unanswered. */
    private static int status(int port, String request) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            byte[] head = s.getInputStream().readNBytes(12);
            String line = new String(head, StandardCharsets.US_ASCII);
            return line.startsWith("HTTP/1.1 ") ? Integer.parseInt(line.substring(9, 12)) : -1;
        } catch (IOException closed) {
            return -1;
        }
    }

    private static void trickle(Socket s) {
        try {
            s.getOutputStream().write('X');
        } catch (IOException closed) {
            // closed by the adapter already: what the test waits for
        }
    }

    /** The status of GET /healthz on a new connection, -1 when the connection is refused or closed unanswered. */
    private static int healthz(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return answer.startsWith("HTTP/1.1 ") ? Integer.parseInt(answer.substring(9, 12)) : -1;
        } catch (IOException refused) {
            return -1;
        }
    }

    private static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout(2_000);
        try {
            InputStream in = s.getInputStream();
            while (in.read() != -1) {
                // drain anything written before the close
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}

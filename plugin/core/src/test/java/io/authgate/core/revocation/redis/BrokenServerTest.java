package io.authgate.core.revocation.redis;

import io.authgate.core.RevocationFeedFailure;
import io.authgate.core.StateChange;
import io.authgate.core.StateChanges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.authgate.core.revocation.redis.RedisStreamFeedTest.await;
import static io.authgate.core.revocation.redis.RedisStreamFeedTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The feed against servers that are not a healthy Redis. These are stand-ins, not Redis: a real
 * redis-server never sends a bulk longer than its {@code proto-max-bulk-len} (512 MB) nor stalls
 * mid-reply, but a hostile server on that port, or a broken proxy in front of Redis, can. Each models
 * only the one misbehaviour it names, over a real TCP socket.
 */
class BrokenServerTest {
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void aHugeBulkLengthIsRefusedWithoutAllocatingIt() throws Exception {
        // Announces a 2 GB bulk, then sends bytes as fast as they are read.
        int port = serve(out -> {
            out.write("$2000000000\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] junk = new byte[64 * 1024];
            while (true) {
                out.write(junk);
            }
        });
        long heapBefore = usedHeap();
        Observed o = feed(port);

        CompletableFuture<Void> f = o.feed.publish(utf8("e"));

        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(RedisException.class, e -> assertThat(e.failure()).isEqualTo(RevocationFeedFailure.TOO_LARGE));
        await("the reader's failing line", () -> o.failing().stream().anyMatch(c -> c.failure() == RevocationFeedFailure.TOO_LARGE));
        assertThat(o.feed.up()).isFalse();
        assertThat(usedHeap() - heapBefore).as("heap grown by far less than the announced 2 GB").isLessThan(256L << 20);
    }

    @Test
    void aServerThatNeverAnswersTimesOutWithinTheDeadline() throws Exception {
        int port = serve(out -> Thread.sleep(60_000));
        Observed o = feed(port);
        long start = System.nanoTime();

        CompletableFuture<Void> f = o.feed.publish(utf8("e"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("publish returns at once").isLessThan(Duration.ofMillis(500));

        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(RedisException.class, e -> assertThat(e.failure()).isEqualTo(RevocationFeedFailure.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(o.settings.publishDeadline().plusSeconds(2));
        await("the reader's timeout line", () -> o.failing().stream().anyMatch(c -> c.failure() == RevocationFeedFailure.TIMEOUT));
    }

    @Test
    void aServerThatDripsOneByteAtATimeTimesOut() throws Exception {
        // Each byte well within the socket's read timeout, the whole reply never within the command's deadline.
        int port = serve(out -> {
            for (byte b : "+".getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
            }
            while (true) {
                out.write('a');
                out.flush();
                Thread.sleep(100);
            }
        });
        Observed o = feed(port);
        long start = System.nanoTime();
        CompletableFuture<Void> f = o.feed.publish(utf8("e"));
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(RedisException.class, e -> assertThat(e.failure()).isEqualTo(RevocationFeedFailure.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(o.settings.publishDeadline().plusSeconds(2));
    }

    @Test
    void somethingElseOnThePortIsAProtocolFailure() throws Exception {
        int port = serve(out -> {
            out.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(60_000);
        });
        Observed o = feed(port);
        assertThatThrownBy(() -> o.feed.publish(utf8("e")).get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(RedisException.class, e -> assertThat(e.failure()).isEqualTo(RevocationFeedFailure.PROTOCOL));
    }

    // --- helpers

    interface Script {
        void run(OutputStream out) throws Exception;
    }

    record Observed(RedisStreamFeed feed, RedisSettings settings, List<StateChange> changes) {
        List<StateChange.FeedFailing> failing() {
            return changes.stream().filter(StateChange.FeedFailing.class::isInstance).map(StateChange.FeedFailing.class::cast).toList();
        }
    }

    private Observed feed(int port) {
        RedisSettings s = ShortTimeouts.forUri("redis://127.0.0.1:" + port);
        List<StateChange> changes = new CopyOnWriteArrayList<>();
        RedisStreamFeed feed = new RedisStreamFeed(s, new StateChanges(changes::add));
        open.add(feed);
        feed.start(body -> {
        });
        return new Observed(feed, s, changes);
    }

    /** A TCP server on a free loopback port that runs {@code script} on every connection, after reading what it is sent. */
    private int serve(Script script) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    daemon(() -> {
                        try (s) {
                            drain(s.getInputStream());
                            script.run(s.getOutputStream());
                        } catch (Exception e) {
                            // the client gave up and closed: what these tests expect
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        }, "broken-redis-accept");
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    /** Reads the client's command (whatever arrived), and keeps reading it in the background so its writes never block. */
    private static void drain(InputStream in) {
        daemon(() -> {
            try {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // closed
            }
        });
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "broken-redis-connection");
        t.setDaemon(true);
        t.start();
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}

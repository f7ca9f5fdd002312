package io.authgate.core.revocation.redis;

import io.authgate.core.RevocationFeedFailure;
import io.authgate.core.StateChange;
import io.authgate.core.StateChanges;
import io.authgate.testkit.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The Redis Streams feed against a real {@code redis-server} (Debian's, started on a free port by
 * {@link RedisServer}). Each feed is one "node". Timeouts here are short so that outages show quickly;
 * waits are generous, for a loaded 2-core machine.
 */
class RedisStreamFeedTest {
    /** How long a test waits for something that should take milliseconds. */
    static final Duration PATIENCE = Duration.ofSeconds(15);

    private RedisServer redis;
    private final List<RedisStreamFeed> feeds = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
    }

    @AfterEach
    void stop() {
        feeds.forEach(RedisStreamFeed::close);
        redis.close();
    }

    @Test
    void anEventPublishedOnOneNodeReachesEveryNode() throws Exception {
        Node a = node(settings());
        Node b = node(settings());
        a.awaitUp();
        b.awaitUp();

        a.feed.publish(utf8("{\"id\":\"e1\"}")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        a.awaitBodies("{\"id\":\"e1\"}");
        b.awaitBodies("{\"id\":\"e1\"}");
        assertThat(redis.cli("XLEN", RedisSettings.DEFAULT_STREAM)).isEqualTo("1");
    }

    @Test
    void aNodeStartedLateReadsTheBacklogInTheRetentionWindowAndNothingBeforeIt() throws Exception {
        RedisStreamFeed publisher = feed(settings()); // retention 1 h: keeps "old" in the stream
        publisher.publish(utf8("old")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        Thread.sleep(4_000);
        publisher.publish(utf8("new")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(redis.cli("XLEN", RedisSettings.DEFAULT_STREAM)).isEqualTo("2");

        // a 3 s window: "old" (4 s ago) is before it, "new" inside it even if this node starts a second or two late
        Node late = node(withRetention(settings(), Duration.ofSeconds(3)));
        late.awaitBodies("new");
        Thread.sleep(1_000); // more reads, to see that "old" does not come after all
        assertThat(late.bodies()).containsExactly("new");

        Node wide = node(settings());
        wide.awaitBodies("old", "new");
    }

    /** An alarm that stays raised after Redis is back, until an event happens to come, would be a false one. */
    @Test
    void aPublishThatFailedWhileRedisWasDownDoesNotHoldTheAlarmOnceRedisAnswersAgain() throws Exception {
        Node receiver = node(settings());
        receiver.awaitUp();
        redis.kill();
        CompletableFuture<Void> down = receiver.feed.publish(utf8("lost"));
        assertThatThrownBy(() -> down.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        await("the alarm", () -> !receiver.feed.up());

        redis.restart();
        await("the alarm clears with no publish in between", receiver.feed::up);
    }

    @Test
    void whileRedisIsDownPublishingFailsFastAndTheStateSaysSoThenReadersCatchUp() throws Exception {
        Node reader = node(settings());
        Node publisher = node(settings());
        reader.awaitUp();
        publisher.feed.publish(utf8("before")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        reader.awaitBodies("before");

        redis.kill();
        long start = System.nanoTime();
        CompletableFuture<Void> down = publisher.feed.publish(utf8("lost"));
        assertThatThrownBy(() -> down.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RedisException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // Connection refused is immediate; the bound is the publish deadline (2 × (connect + command) here: 3 s)
        assertThat(took).isLessThanOrEqualTo(settings().publishDeadline().plusSeconds(1));
        await("both nodes say the feed is down", () -> !reader.feed.up() && !publisher.feed.up());
        await("a failing line", () -> reader.changes(StateChange.FeedFailing.class) == 1);
        StateChange.FeedFailing failing = reader.changes.stream().filter(StateChange.FeedFailing.class::isInstance)
                .map(StateChange.FeedFailing.class::cast).findFirst().orElseThrow();
        assertThat(failing.failure()).isEqualTo(RevocationFeedFailure.CONNECT);
        assertThat(failing.message()).contains("127.0.0.1:" + redis.port());

        redis.restart();
        publisher.publishUntilAccepted("meanwhile");
        reader.awaitBodies("before", "meanwhile");
        await("both up again", () -> reader.feed.up() && publisher.feed.up());
        assertThat(reader.changes(StateChange.FeedFailing.class)).as("failing said once").isEqualTo(1);
        await("recovered said", () -> reader.changes(StateChange.FeedRecovered.class) == 1);
        assertThat(reader.bodies()).as("the event acknowledged before the crash survived it, and is not read twice")
                .containsExactly("before", "meanwhile");
    }

    @Test
    void eventsPublishedWhileAReaderWasDisconnectedAreReadWhenItReconnects() throws Exception {
        Node reader = node(settings());
        reader.awaitUp();
        RedisStreamFeed publisher = feed(settings());
        publisher.publish(utf8("one")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        reader.awaitBodies("one");

        // Redis drops the reader's connection (as a network cut would); the publisher keeps going
        redis.cli("CLIENT", "KILL", "TYPE", "normal");
        publisher.publish(utf8("two")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        publisher.publish(utf8("three")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        reader.awaitBodies("one", "two", "three");
    }

    @Test
    void aNodeRestartedMidStreamCatchesUp() throws Exception {
        RedisStreamFeed publisher = feed(settings());
        Node first = node(settings());
        publisher.publish(utf8("e1")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        first.awaitBodies("e1");

        first.feed.close(); // the node stops
        publisher.publish(utf8("e2")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        publisher.publish(utf8("e3")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        Thread.sleep(500);
        assertThat(first.bodies()).containsExactly("e1");

        Node again = node(settings()); // the same node, started again: reads the window
        again.awaitBodies("e1", "e2", "e3");
    }

    @Test
    void appendsTrimTheStreamByAge() throws Exception {
        RedisStreamFeed publisher = feed(withRetention(settings(), Duration.ofSeconds(1)));
        for (int i = 0; i < 250; i++) {
            publisher.publish(utf8("e" + i)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(Integer.parseInt(redis.cli("XLEN", RedisSettings.DEFAULT_STREAM))).isEqualTo(250);
        Thread.sleep(1_500);

        publisher.publish(utf8("last")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        // MINID ~ trims whole nodes of the stream's radix tree (100 entries each by default,
        // stream-node-max-entries): the two full nodes of old entries go, the one "last" joined stays.
        int left = Integer.parseInt(redis.cli("XLEN", RedisSettings.DEFAULT_STREAM));
        assertThat(left).isLessThanOrEqualTo(101).isGreaterThanOrEqualTo(1);
        assertThat(redis.cli("XREVRANGE", RedisSettings.DEFAULT_STREAM, "+", "-", "COUNT", "1")).contains("last");
    }

    @Test
    void aSinkThatThrowsDoesNotStopTheReader() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> seen = new CopyOnWriteArrayList<>();
        RedisStreamFeed feed = feed(settings());
        feed.start(body -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("a broken sink");
            }
            seen.add(text(body));
        });
        RedisStreamFeed publisher = feed(settings());
        publisher.publish(utf8("first")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        publisher.publish(utf8("second")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        await("the second event", () -> seen.contains("second"));
        assertThat(seen).containsExactly("second");
        assertThat(feed.sinkFailures()).isEqualTo(1);
        assertThat(feed.up()).isTrue();
    }

    @Test
    void anEventsListenerThatThrowsStopsNeitherSide() throws Exception {
        io.authgate.core.AuthgateEvents broken = new io.authgate.core.AuthgateEvents() {
            @Override
            public void revocationFeedUp() {
                throw new IllegalStateException("a broken metrics sink");
            }

            @Override
            public void revocationFeedFailed(RevocationFeedFailure failure, String reason) {
                throw new IllegalStateException("a broken log sink");
            }
        };
        RedisStreamFeed feed = new RedisStreamFeed(settings(), broken);
        feeds.add(feed);
        List<String> seen = new CopyOnWriteArrayList<>();
        feed.start(body -> seen.add(text(body)));

        feed.publish(utf8("e")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        await("the event", () -> seen.contains("e"));
        assertThat(feed.up()).isTrue();
    }

    @Test
    void aBodyAboveTheBoundIsRefusedAtOnceAndOneAtTheBoundIsCarried() throws Exception {
        RedisSettings s = settings();
        Node node = node(s);
        byte[] atBound = new byte[s.maxEventBytes()];
        java.util.Arrays.fill(atBound, (byte) 'x');

        node.feed.publish(atBound).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        CompletableFuture<Void> over = node.feed.publish(new byte[s.maxEventBytes() + 1]);

        assertThatThrownBy(() -> over.getNow(null)).cause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_reply_bytes");
        await("the largest body read back", () -> node.bodies().size() == 1);
        assertThat(node.bodies().get(0)).hasSize(s.maxEventBytes());
    }

    @Test
    void publishingNeverBlocksTheCallerAndTheQueueIsBounded() {
        RedisStreamFeed feed = feed(settings());
        redis.kill();
        long start = System.nanoTime();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < RedisStreamFeed.MAX_QUEUED_PUBLISHES + 10; i++) {
            futures.add(feed.publish(utf8("e" + i)));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        futures.forEach(f -> assertThatThrownBy(() -> f.get(PATIENCE.toSeconds() * 4, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class));
    }

    @Test
    void thePasswordIsSentAndAWrongOneSaysAuth() throws Exception {
        redis.close();
        redis = RedisServer.start(Optional.of("s3cr\u00e9t:/@x"));
        Node right = node(settings());
        right.feed.publish(utf8("ok")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        right.awaitBodies("ok");

        RedisSettings wrong = ShortTimeouts.forUri("redis://:nope@127.0.0.1:" + redis.port());
        Node refused = node(wrong);
        await("auth failing said", () -> refused.changes(StateChange.FeedFailing.class) == 1);
        StateChange.FeedFailing f = (StateChange.FeedFailing) refused.changes.stream().filter(StateChange.FeedFailing.class::isInstance)
                .findFirst().orElseThrow();
        assertThat(f.failure()).isEqualTo(RevocationFeedFailure.AUTH);
        assertThat(f.message()).doesNotContain("nope").contains(":***@");

        RedisSettings none = ShortTimeouts.forUri("redis://127.0.0.1:" + redis.port());
        assertThatThrownBy(() -> feed(none).publish(utf8("x")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(RedisException.class, e -> assertThat(e.failure()).isEqualTo(RevocationFeedFailure.AUTH));
    }

    @Test
    void closeStopsTheReaderThreadAndIsIdempotent() throws Exception {
        Node node = node(settings());
        node.awaitUp();
        node.feed.close();
        node.feed.close();
        await("reader thread gone", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals(node.feed.readerThreadName()) && t.isAlive()));
        assertThatThrownBy(() -> node.feed.publish(utf8("x")).getNow(null)).cause().isInstanceOf(IllegalStateException.class);
    }

    // --- helpers

    /** Short timeouts, so that an outage shows within a second. */
    RedisSettings settings() {
        return ShortTimeouts.forUri(redis.uri());
    }

    static RedisSettings withRetention(RedisSettings s, Duration retention) {
        return new RedisSettings(s.uri(), s.stream(), retention, s.readBlock(), s.readCount(), s.connectTimeout(), s.commandTimeout(),
                s.maxReplyBytes(), s.reconnectMax());
    }

    private RedisStreamFeed feed(RedisSettings s) {
        RedisStreamFeed f = new RedisStreamFeed(s, io.authgate.core.AuthgateEvents.NONE);
        feeds.add(f);
        return f;
    }

    private Node node(RedisSettings s) {
        List<StateChange> changes = new CopyOnWriteArrayList<>();
        RedisStreamFeed f = new RedisStreamFeed(s, new StateChanges(changes::add));
        feeds.add(f);
        Node n = new Node(f, changes, new CopyOnWriteArrayList<>());
        f.start(body -> n.received.add(text(body)));
        return n;
    }

    /** One gateway node: its feed, what it was told, its state lines. */
    record Node(RedisStreamFeed feed, List<StateChange> changes, List<String> received) {
        List<String> bodies() {
            return List.copyOf(received);
        }

        void awaitUp() {
            await("the feed up", feed::up);
        }

        void awaitBodies(String... expected) {
            await("bodies " + List.of(expected) + " (got " + received + ")", () -> received.containsAll(List.of(expected)));
        }

        long changes(Class<? extends StateChange> kind) {
            return changes.stream().filter(kind::isInstance).count();
        }

        /** Right after Redis restarts the first attempt can still find it loading its file. */
        void publishUntilAccepted(String body) throws InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    feed.publish(utf8(body)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    Thread.sleep(100);
                }
            }
            fail("publish of " + body + " never accepted");
        }
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + PATIENCE.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

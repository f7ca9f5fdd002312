package io.authgate.core.revocation.redis;

import io.authgate.core.AuthgateEvents;
import io.authgate.testkit.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.authgate.core.revocation.redis.RedisStreamFeedTest.PATIENCE;
import static io.authgate.core.revocation.redis.RedisStreamFeedTest.await;
import static io.authgate.core.revocation.redis.RedisStreamFeedTest.text;
import static io.authgate.core.revocation.redis.RedisStreamFeedTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publish on one node → delivered on all three, with the default read block (5 s: a reader that
 * waits in XREAD is woken by the append, it does not poll): the feed's share of issue 14's "refused
 * on every node within a second". Prints the figures; asserts p99 under one second.
 */
class FanOutLatencyTest {
    private static final int EVENTS = 200;
    private static final int NODES = 3;

    private final RedisServer redis = RedisServer.start();
    private final List<RedisStreamFeed> feeds = new ArrayList<>();

    @AfterEach
    void stop() {
        feeds.forEach(RedisStreamFeed::close);
        redis.close();
    }

    @Test
    void anEventReachesEveryOneOfThreeNodesWellWithinASecond() throws Exception {
        RedisSettings s = RedisSettings.defaults(RedisUri.parse(redis.uri(), "redis.uri"));
        // per event: when the last of the three nodes had it
        ConcurrentHashMap<Integer, long[]> arrivals = new ConcurrentHashMap<>();
        for (int n = 0; n < NODES; n++) {
            int node = n;
            RedisStreamFeed f = new RedisStreamFeed(s, AuthgateEvents.NONE);
            feeds.add(f);
            f.start(body -> arrivals.computeIfAbsent(Integer.parseInt(text(body)), k -> new long[NODES])[node] = System.nanoTime());
        }
        await("every node reading", () -> feeds.stream().allMatch(RedisStreamFeed::up));
        RedisStreamFeed publisher = feeds.get(0);

        long[] published = new long[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            published[i] = System.nanoTime();
            publisher.publish(utf8(Integer.toString(i))).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            Thread.sleep(10);
        }
        await("every event on every node", () -> arrivals.size() == EVENTS
                && arrivals.values().stream().allMatch(a -> Arrays.stream(a).allMatch(t -> t != 0)));

        long[] micros = new long[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            micros[i] = (Arrays.stream(arrivals.get(i)).max().orElseThrow() - published[i]) / 1_000;
        }
        Arrays.sort(micros);
        long p50 = micros[EVENTS / 2];
        long p99 = micros[(int) Math.ceil(EVENTS * 0.99) - 1];
        System.out.printf("fan-out publish -> all %d nodes, %d events: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                NODES, EVENTS, p50 / 1000.0, p99 / 1000.0, micros[EVENTS - 1] / 1000.0);
        assertThat(Duration.ofNanos(p99 * 1_000)).isLessThan(Duration.ofSeconds(1));
    }
}

package io.authgate.apisix.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.authgate.testkit.HeapAfterGc;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenFlood;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * (Issue 10, item 1) Memory is bounded by construction, inside the APISIX runner's JVM: the same flood
 * of distinct valid tokens as the adapter's {@code TokenFloodIT}, through the real runner started with
 * the heap options the shipped {@code apisix-conf/config.yaml} gives it ({@code ext-plugin.cmd}: the
 * heap the README tells APISIX users to set), driven as APISIX's workers drive it (one connection
 * each). Every request must reach the upstream as its token's own user; the runner must stay up; the
 * heap after GC must plateau well below the max heap. Before the bound, the runner ran out of heap
 * after ~20,000 of these tokens. The long run with ordinary tokens: {@code bench/token-flood.sh}.
 */
class ApisixTokenFloodIT {
    private static final int TOKENS = Integer.getInteger("authgate.flood.tokens", 24_000);
    private static final int PAD_BYTES = Integer.getInteger("authgate.flood.pad_bytes", 6_144);
    /** APISIX's nginx workers, each with a connection of its own to the runner. */
    private static final int WORKERS = 4;
    private static final double LIVE_SHARE_BOUND = 0.6;

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aFloodOfDistinctValidTokensKeepsTheRunnersHeapBoundedAndEveryRequestServed() throws Exception {
        List<String> heapOptions = shippedHeapOptions();
        long maxHeap = HeapAfterGc.jvmSize(heapOptions.stream().filter(o -> o.startsWith("-Xmx")).findFirst().orElseThrow().substring(4));
        try (TestIssuer issuer = TestIssuer.start();
             ApisixHarness apisix = ApisixHarness.start(heapOptions);
             TokenFlood flood = new TokenFlood(issuer.issuer(), TOKENS, PAD_BYTES, Runtime.getRuntime().availableProcessors())) {
            long confToken = apisix.confToken(ApisixHarness.json(Map.of("authgear_endpoint", issuer.issuer())));
            List<String> timeline = new ArrayList<>();
            timeline.add("before: " + HeapAfterGc.mib(HeapAfterGc.liveBytes(apisix.runnerPid())));
            AtomicInteger answered = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                ApisixExtPluginClient client = apisix.newClient(Duration.ofSeconds(30));
                Thread t = new Thread(() -> send(client, confToken, flood, answered, failures), "apisix-worker-" + w);
                workers.add(t);
                t.start();
            }

            long started = System.nanoTime();
            long liveAtHalf = -1;
            for (Optional<Thread> running = firstAlive(workers); running.isPresent(); running = firstAlive(workers)) {
                running.get().join(2_000);
                assertThat(apisix.runnerAlive()).as("the runner is up after %d tokens; failures %s; log ends:\n%s",
                        answered.get(), failures, tail(apisix.log())).isTrue();
                if (liveAtHalf < 0 && answered.get() >= TOKENS / 2) {
                    liveAtHalf = HeapAfterGc.liveBytes(apisix.runnerPid());
                    timeline.add(answered.get() + " tokens: " + HeapAfterGc.mib(liveAtHalf));
                }
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

            assertThat(failures).as("requests that did not reach the upstream as their token's user (of %d)", TOKENS).isEmpty();
            assertThat(answered.get()).isEqualTo(TOKENS);
            assertThat(apisix.runnerAlive()).isTrue();
            long liveAtEnd = HeapAfterGc.liveBytes(apisix.runnerPid());
            timeline.add(answered.get() + " tokens: " + HeapAfterGc.mib(liveAtEnd));
            System.out.printf(Locale.ROOT, "[token flood] runner %s: %d distinct tokens (%d chars of extra claims) in %d s;"
                    + " heap after GC %s%n", heapOptions, TOKENS, PAD_BYTES, seconds, timeline);

            assertThat(liveAtEnd).as("heap after GC at the end (%s)", timeline).isLessThan((long) (maxHeap * LIVE_SHARE_BOUND));
            assertThat(liveAtEnd).as("heap after GC grew in the second half (%s)", timeline).isLessThan(liveAtHalf + maxHeap / 10);
            assertThat(apisix.log()).as("the runner's log").doesNotContain("OutOfMemoryError");
        }
    }

    private static void send(ApisixExtPluginClient client, long confToken, TokenFlood flood, AtomicInteger answered,
                             ConcurrentLinkedQueue<String> failures) {
        try (client) {
            for (Optional<TokenFlood.Minted> next = flood.next(); next.isPresent(); next = flood.next()) {
                TokenFlood.Minted m = next.get();
                HttpRequestSpec spec = HttpRequestSpec.get("/api").header("Authorization", "Bearer " + m.token()).build();
                ReqCallResult result = client.call(confToken, spec);
                String user = result.action() == ReqCallResult.Action.REWRITE
                        ? ApisixHarness.identityHeadersAtUpstream(spec, result).get("x-authgear-user-id") : null;
                if (!m.userId().equals(user)) {
                    failures.add(result.action() + " " + result.status() + ", user " + user + " for " + m.userId());
                    return;
                }
                answered.incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            failures.add("after " + answered.get() + " answers: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The {@code -X} options of {@code ext-plugin.cmd} in the shipped {@code apisix-conf/config.yaml}. */
    static List<String> shippedHeapOptions() throws IOException {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(ApisixHarness.repoFile("apisix-conf/config.yaml").toFile());
        List<String> options = new ArrayList<>();
        doc.path("ext-plugin").path("cmd").forEach(n -> {
            if (n.asText().startsWith("-X")) {
                options.add(n.asText());
            }
        });
        assertThat(options).as("config.yaml sets the runner's max heap").anyMatch(o -> o.startsWith("-Xmx"));
        return options;
    }


    private static Optional<Thread> firstAlive(List<Thread> threads) {
        return threads.stream().filter(Thread::isAlive).findFirst();
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

}

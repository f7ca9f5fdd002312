package io.authgate.forwardauth.it;

import io.authgate.testkit.HeapAfterGc;
import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenFlood;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
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
 * (Issue 10, item 1) Memory is bounded by construction: a flood of distinct valid tokens against the
 * adapter run as the README says ({@code -Xms256m -Xmx256m -XX:+UseParallelGC}, plus
 * {@code -XX:+ExitOnOutOfMemoryError} so that running out of heap ends the process instead of killing
 * one thread), with the default configuration. Every token verifies and is cached; the cache must stay
 * within its byte budget, the heap after a full GC must stay well below the heap, and the adapter must
 * answer decisions and {@code /healthz} throughout and after.
 *
 * <p>Tokens carry {@value #DEFAULT_PAD_BYTES} characters of extra claims (Authgear's hooks can add
 * claims; the parser takes up to 16 KiB), so the budget is reached with a tenth of the tokens that
 * ~1.2 KiB tokens would take: minting (RS256, ~1 ms a token) is what bounds a flood's length. A cache
 * bounded by count holds 100,000 of these in ~1.2 GB; before this bound the adapter died after ~14,000.
 * The long run with ordinary tokens is {@code bench/token-flood.sh} (the same test with
 * {@code -Dauthgate.flood.tokens=150000 -Dauthgate.flood.pad_bytes=0}).
 */
class TokenFloodIT {
    static final int DEFAULT_PAD_BYTES = 6_144;
    private static final int TOKENS = Integer.getInteger("authgate.flood.tokens", 24_000);
    private static final int PAD_BYTES = Integer.getInteger("authgate.flood.pad_bytes", DEFAULT_PAD_BYTES);
    private static final String HEAP = System.getProperty("authgate.flood.heap", "256m");
    /** Bounded concurrency: the flood is distinct tokens, not a connection storm. */
    private static final int CONNECTIONS = 8;
    /** The heap after GC must stay below this share of the heap (the caches' default budgets are 3/8 of it). */
    private static final double LIVE_SHARE_BOUND = 0.6;

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aFloodOfDistinctValidTokensKeepsTheHeapBoundedAndTheAdapterAnswering() throws Exception {
        long maxHeap = HeapAfterGc.jvmSize(HEAP);
        try (TestIssuer issuer = TestIssuer.start();
             AdapterProcess adapter = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\n"
                             + "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n",
                     List.of("-Xms" + HEAP, "-Xmx" + HEAP, "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError"));
             TokenFlood flood = new TokenFlood(issuer.issuer(), TOKENS, PAD_BYTES, Runtime.getRuntime().availableProcessors())) {
            List<String> timeline = new ArrayList<>();
            timeline.add("before: " + HeapAfterGc.mib(HeapAfterGc.liveBytes(adapter.process().pid())));
            AtomicInteger answered = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> senders = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                Thread t = new Thread(() -> send(adapter.decisionPort(), flood, answered, failures), "flood-sender-" + c);
                senders.add(t);
                t.start();
            }

            long started = System.nanoTime();
            long liveAtHalf = -1;
            for (Optional<Thread> running = firstAlive(senders); running.isPresent(); running = firstAlive(senders)) {
                running.get().join(2_000);
                assertHealthy(adapter, answered, failures);
                if (liveAtHalf < 0 && answered.get() >= TOKENS / 2 && adapter.process().isAlive()) {
                    liveAtHalf = HeapAfterGc.liveBytes(adapter.process().pid());
                    timeline.add(answered.get() + " tokens: " + HeapAfterGc.mib(liveAtHalf));
                }
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

            assertThat(failures).as("answers that were not the token's own session (of %d)", TOKENS).isEmpty();
            assertThat(answered.get()).isEqualTo(TOKENS);
            assertHealthy(adapter, answered, failures);
            long liveAtEnd = HeapAfterGc.liveBytes(adapter.process().pid());
            timeline.add(answered.get() + " tokens: " + HeapAfterGc.mib(liveAtEnd));
            Map<String, Double> metrics = PrometheusScrape.scrape(port(adapter.adminOrigin()));
            double cacheBytes = metrics.get("authgate_token_cache_bytes{project=\"" + issuer.issuer() + "\"}");
            double cacheBudget = metrics.get("authgate_token_cache_max_bytes{project=\"" + issuer.issuer() + "\"}");
            double entries = metrics.get("authgate_token_cache_entries{project=\"" + issuer.issuer() + "\"}");
            System.out.printf(Locale.ROOT, "[token flood] %d distinct tokens (%d chars of extra claims) in %d s, -Xmx%s:"
                            + " heap after GC %s; token cache %.0f entries, %s of %s (%.0f bytes per entry)%n",
                    TOKENS, PAD_BYTES, seconds, HEAP, timeline, entries, HeapAfterGc.mib((long) cacheBytes), HeapAfterGc.mib((long) cacheBudget),
                    cacheBytes / Math.max(1, entries));

            assertThat(cacheBytes).as("the token cache's weight").isLessThanOrEqualTo(cacheBudget);
            assertThat(liveAtEnd).as("heap after GC at the end (%s)", timeline).isLessThan((long) (maxHeap * LIVE_SHARE_BOUND));
            // A plateau, not a slope: the second half of the flood, all cache misses, added no more than slack.
            assertThat(liveAtEnd).as("heap after GC grew in the second half (%s)", timeline)
                    .isLessThan(liveAtHalf + maxHeap / 10);
        }
    }

    /** One keep-alive connection sending tokens until the flood ends; every answer must be the token's own user. */
    private static void send(int port, TokenFlood flood, AtomicInteger answered, ConcurrentLinkedQueue<String> failures) {
        RawHttp connection = null;
        try {
            for (Optional<TokenFlood.Minted> next = flood.next(); next.isPresent(); next = flood.next()) {
                if (connection == null) {
                    connection = RawHttp.connect(port);
                }
                TokenFlood.Minted m = next.get();
                connection.send(RawHttp.get("/_resolver/resolve", port, "Authorization", "Bearer " + m.token()));
                RawHttp.Response r = connection.read(false);
                if (r.status() != 200 || !m.userId().equals(r.header("x-authgear-user-id"))) {
                    failures.add("status " + r.status() + ", user " + r.header("x-authgear-user-id") + " for " + m.userId());
                    return;
                }
                answered.incrementAndGet();
            }
        } catch (IOException e) {
            failures.add("after " + answered.get() + " answers: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (connection != null) {
                try {
                    connection.close();
                } catch (IOException e) {
                    // closing
                }
            }
        }
    }

    /** The adapter is alive and {@code /healthz} answers 200 within {@link RawHttp#READ_TIMEOUT_MS}. */
    private static void assertHealthy(AdapterProcess adapter, AtomicInteger answered, ConcurrentLinkedQueue<String> failures) {
        String state = "after " + answered.get() + " tokens answered; failures " + failures + "; log ends:\n" + tail(adapter.log());
        assertThat(adapter.process().isAlive()).as("the adapter is running %s", state).isTrue();
        int admin = port(adapter.adminOrigin());
        try {
            RawHttp.Response health = RawHttp.exchange(admin, RawHttp.get("/healthz", admin));
            assertThat(health.status()).as("/healthz %s", state).isEqualTo(200);
        } catch (IOException e) {
            throw new AssertionError("/healthz did not answer (" + e + ") " + state, e);
        }
    }

    private static Optional<Thread> firstAlive(List<Thread> threads) {
        return threads.stream().filter(Thread::isAlive).findFirst();
    }

    private static int port(String origin) {
        return Integer.parseInt(origin.substring(origin.lastIndexOf(':') + 1));
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }


}

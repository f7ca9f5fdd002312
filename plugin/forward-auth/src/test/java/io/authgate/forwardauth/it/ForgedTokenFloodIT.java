package io.authgate.forwardauth.it;

import io.authgate.testkit.TestIssuer;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * (Issue 10, item 7) A flood of garbage stays cheap and leaves nothing behind: distinct forged tokens
 * (a known {@code kid}, a valid payload, a random signature), each of which costs one RSA verification
 * and is then refused. None may be cached (the verified-token cache holds only what verified), every
 * answer is "no session", and the adapter keeps answering. The rate printed is what one adapter can
 * refuse on this machine: the bound on such a flood is the gateway's rate limiting, not a cache.
 */
class ForgedTokenFloodIT {
    private static final int FORGERIES = 20_000;
    private static final int CONNECTIONS = 4;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void distinctForgedTokensAreEachRefusedAndNoneIsKept() throws Exception {
        try (TestIssuer issuer = TestIssuer.start();
             AdapterProcess adapter = AdapterProcess.start("authgear_endpoint: " + issuer.issuer() + "\n"
                             + "listen: 127.0.0.1:0\nadmin_listen: 127.0.0.1:0\n",
                     List.of("-Xms256m", "-Xmx256m", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError"))) {
            String valid = new TokenMinter(issuer.issuer()).mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
            String signingInput = valid.substring(0, valid.lastIndexOf('.') + 1);
            int port = adapter.decisionPort();
            int admin = Integer.parseInt(adapter.adminOrigin().substring(adapter.adminOrigin().lastIndexOf(':') + 1));
            // One valid token first: keys loaded, and one entry in the cache to compare with.
            try (RawHttp c = RawHttp.connect(port)) {
                c.send(RawHttp.get("/_resolver/resolve", port, "Authorization", "Bearer " + valid));
                assertThat(c.read(false).header("x-authgear-user-id")).isNotNull();
            }

            AtomicInteger next = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> senders = new ArrayList<>();
            long started = System.nanoTime();
            for (int t = 0; t < CONNECTIONS; t++) {
                Random random = new Random(t);
                Thread thread = new Thread(() -> {
                    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
                    byte[] signature = new byte[256];
                    try (RawHttp c = RawHttp.connect(port)) {
                        while (next.getAndIncrement() < FORGERIES) {
                            random.nextBytes(signature);
                            c.send(RawHttp.get("/_resolver/resolve", port, "Authorization",
                                    "Bearer " + signingInput + b64.encodeToString(signature)));
                            RawHttp.Response r = c.read(false);
                            if (r.status() != 200 || r.header("x-authgear-user-id") != null) {
                                failures.add(r.toString());
                                return;
                            }
                            refused.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.add(e.toString());
                    }
                });
                senders.add(thread);
                thread.start();
            }
            for (Thread t : senders) {
                t.join();
            }
            double seconds = (System.nanoTime() - started) / 1e9;

            Map<String, Double> metrics = PrometheusScrape.scrape(admin);
            System.out.printf(Locale.ROOT, "[forged flood] %d distinct forged tokens (known kid, random signature) over %d connections:"
                    + " all refused in %.1f s, %.0f a second%n", FORGERIES, CONNECTIONS, seconds, FORGERIES / seconds);
            assertThat(failures).isEmpty();
            assertThat(refused.get()).isEqualTo(FORGERIES);
            assertThat(metrics.get("authgate_token_rejections_total{reason=\"bad_signature\"}")).isEqualTo(FORGERIES);
            assertThat(metrics.get("authgate_token_cache_entries{project=\"" + issuer.issuer() + "\"}")).as("nothing forged is kept").isEqualTo(1.0);
            RawHttp.Response health = RawHttp.exchange(admin, RawHttp.get("/healthz", admin));
            assertThat(health.status()).isEqualTo(200);
        }
    }
}

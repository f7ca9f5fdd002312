package io.authgate.core.jwks;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A JWKS endpoint under the test's control: counts fetches, answers now, later, never, or by hand. */
final class FakeJwksFetcher implements JwksFetcher {
    static final URI SOURCE = URI.create("https://auth.example.com/oauth2/jwks");

    private final AtomicInteger fetches = new AtomicInteger();
    private final List<CompletableFuture<FetchedKeys>> held = new CopyOnWriteArrayList<>();
    private volatile Supplier<CompletableFuture<FetchedKeys>> answer;

    FakeJwksFetcher(FetchedKeys first) {
        serve(first);
    }

    /** Every fetch from now on succeeds at once with these keys. */
    void serve(FetchedKeys keys) {
        answer = () -> CompletableFuture.completedFuture(keys);
    }

    /** Every fetch from now on fails at once. */
    void fail() {
        answer = () -> CompletableFuture.failedFuture(new IllegalStateException("JWKS endpoint is down"));
    }

    /** Every fetch from now on succeeds with these keys after the delay, on another thread. */
    void serveAfter(Duration delay, FetchedKeys keys) {
        answer = () -> CompletableFuture.supplyAsync(() -> keys,
                CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Every fetch from now on stays pending until the test completes it ({@link #held(int)}). */
    void hold() {
        answer = () -> {
            CompletableFuture<FetchedKeys> f = new CompletableFuture<>();
            held.add(f);
            return f;
        };
    }

    CompletableFuture<FetchedKeys> held(int index) {
        return held.get(index);
    }

    int fetches() {
        return fetches.get();
    }

    @Override
    public CompletableFuture<FetchedKeys> fetch() {
        fetches.incrementAndGet();
        return answer.get();
    }

    @Override
    public URI source() {
        return SOURCE;
    }
}

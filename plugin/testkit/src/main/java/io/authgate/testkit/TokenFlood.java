package io.authgate.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Distinct valid access tokens for floods: each has a user id and a token id of its own and is signed
 * with the issuer's current key (RS256, ~1 ms a token on this machine, so minting is what bounds a
 * flood's length). Minted on background threads into a small queue, so a flood of any length holds
 * only a few hundred tokens in the test's own heap.
 */
public final class TokenFlood implements AutoCloseable {
    /** One token and the user id the resolver must answer for it. */
    public record Minted(String token, String userId) {
    }

    private static final Minted END = new Minted("", "");

    private final BlockingQueue<Minted> queue = new ArrayBlockingQueue<>(512);
    private final List<Thread> minters = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final int count;
    private volatile boolean closed;

    /**
     * @param padBytes extra claim characters per token (0: an ordinary ~1.2 KiB Authgear token)
     * @param threads  minting threads (the machine's cores, typically)
     */
    public TokenFlood(String issuer, int count, int padBytes, int threads) {
        this.count = count;
        TokenMinter minter = new TokenMinter(issuer);
        long run = UUID.randomUUID().getMostSignificantBits();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> mint(minter, run, padBytes, threads), "token-flood-" + t);
            thread.setDaemon(true);
            minters.add(thread);
            thread.start();
        }
    }

    private void mint(TokenMinter minter, long run, int padBytes, int threads) {
        try {
            for (int i = next.getAndIncrement(); i < count && !closed; i = next.getAndIncrement()) {
                String userId = new UUID(run, i).toString();
                TokenRecipe recipe = new TokenRecipe(Map.of(), Map.of("sub", userId, "jti", new UUID(~run, i).toString()),
                        "issuer", null, padBytes);
                String token = minter.mint(recipe, Instant.now().getEpochSecond());
                while (!closed && !queue.offer(new Minted(token, userId), 100, TimeUnit.MILLISECONDS)) {
                    // the consumer is behind: wait for room
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (finished.incrementAndGet() == threads) {
                queue.offer(END);
            }
        }
    }

    /** The next token, waiting for it to be minted; empty once all {@code count} were handed out. */
    public java.util.Optional<Minted> next() throws InterruptedException {
        Minted m = queue.take();
        if (m == END) {
            queue.offer(END); // for any other consumer
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(m);
    }

    public int count() {
        return count;
    }

    @Override
    public void close() {
        closed = true;
        minters.forEach(Thread::interrupt);
    }
}

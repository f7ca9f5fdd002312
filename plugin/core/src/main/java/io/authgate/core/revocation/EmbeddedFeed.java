package io.authgate.core.revocation;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The feed without Redis: the receiving node applies its own events. Enough for one node and the demo. */
public final class EmbeddedFeed implements RevocationFeed {
    private volatile Consumer<byte[]> sink = body -> {
    };

    @Override
    public CompletableFuture<Void> publish(byte[] eventBody) {
        try {
            sink.accept(eventBody);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void start(Consumer<byte[]> sink) {
        this.sink = sink;
    }

    @Override
    public void close() {
    }
}

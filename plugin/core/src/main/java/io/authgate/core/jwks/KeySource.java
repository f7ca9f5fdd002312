package io.authgate.core.jwks;

import java.util.concurrent.CompletableFuture;

/** Where verification keys come from. Implementations are thread-safe. */
public interface KeySource {
    /**
     * Finds the key for a {@code kid} without blocking. Usually already complete; when keys are
     * being fetched it completes when they arrive, and never later than the configured wait
     * timeout (with what is known by then). Never completes exceptionally.
     */
    CompletableFuture<KeyLookup> findAsync(String kid);

    /** {@link #findAsync} for callers that may block, at most the configured wait timeout. */
    default KeyLookup find(String kid) {
        return findAsync(kid).join();
    }

    /**
     * Starts a refresh in the background if one is due, never waiting. Called on every verified-token
     * cache hit too, so routine refreshes (and key removals) happen even when every request hits.
     */
    default void prefetch() {
    }

    /** {@link #prefetch()} with the time already read by the caller (one clock read per request). */
    default void prefetch(long nowMillis) {
        prefetch();
    }

    /** Registers a callback run when a refresh removes a key, so caches of verified tokens can drop. */
    default void onKeysRemoved(Runnable callback) {
    }
}

package io.authgate.core.jwks;

/** Where verification keys come from. Implementations are thread-safe. */
public interface KeySource {
    /**
     * Finds the key for a {@code kid}. May wait, bounded, for keys that are being fetched; never
     * longer than the configured wait timeout.
     */
    KeyLookup find(String kid);

    /**
     * Starts a refresh in the background if one is due, never waiting. Called on every verified-token
     * cache hit too, so routine refreshes (and key removals) happen even when every request hits.
     */
    default void prefetch() {
    }

    /** Registers a callback run when a refresh removes a key, so caches of verified tokens can drop. */
    default void onKeysRemoved(Runnable callback) {
    }
}

package io.authgate.core.config;

/**
 * The caches' default budgets, sized from this JVM's max heap (what {@code -Xmx} says; the runner's
 * heap is set in APISIX's {@code ext-plugin.cmd}, not by us): a quarter of it for verified tokens, at
 * most 64 MiB, an eighth for Authgear's resolver answers, at most 32 MiB. At the recommended
 * {@code -Xmx256m} that is 96 MiB of caches, with the rest of the heap (and most of the old
 * generation) left for requests in flight.
 */
public final class MemoryBudgets {
    public static final long MIB = 1L << 20;
    static final long TOKEN_CACHE_CAP = 64 * MIB;
    static final long RESOLVER_CACHE_CAP = 32 * MIB;
    /**
     * What a cached ordinary (~1.2 KiB) token and a cached session weigh, rounded up from the weights
     * measured in {@code CacheWeightTest}: how the count-based keys of earlier versions are read.
     */
    static final long TOKEN_ENTRY_BYTES = 2048;
    static final long RESOLVER_ENTRY_BYTES = 1024;

    private MemoryBudgets() {
    }

    public static long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    public static long tokenCacheDefault(long maxHeap) {
        return Math.min(TOKEN_CACHE_CAP, maxHeap / 4);
    }

    public static long resolverCacheDefault(long maxHeap) {
        return Math.min(RESOLVER_CACHE_CAP, maxHeap / 8);
    }
}

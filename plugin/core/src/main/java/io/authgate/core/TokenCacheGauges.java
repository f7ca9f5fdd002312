package io.authgate.core;

/** What a front's metrics show of a verified-token cache; read live, at scrape time. */
public interface TokenCacheGauges {
    /** Entries now (an estimate: expired entries may still be counted until the next maintenance). */
    long size();

    /** The heap the entries take now, by the weigher's estimate. */
    long weightedBytes();

    /** The budget: {@code token_cache_max_bytes}. */
    long maxBytes();
}

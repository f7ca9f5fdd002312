package io.authgate.core;

/** What a front's metrics show of the cache and call slots of Authgear's resolver; read live, at scrape time. */
public interface ResolverCacheGauges {
    /** Cached answers now (an estimate: expired ones may be counted until the next maintenance). */
    long size();

    /** The heap the cached answers take now, by the weigher's estimate. */
    long weightedBytes();

    /** The budget: {@code resolver.cache_max_bytes}. */
    long maxBytes();

    /** Calls to Authgear in flight now. */
    int callsInFlight();

    /** Credentials waiting for one of the call slots. */
    int callsQueued();
}

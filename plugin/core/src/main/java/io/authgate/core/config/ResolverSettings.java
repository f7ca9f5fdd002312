package io.authgate.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How authgate asks Authgear's own resolver ({@code /_resolver/resolve}) about what it cannot resolve
 * in-process: cookies, opaque tokens, and every credential on {@code live} routes. Immutable.
 *
 * @param url              where to ask; by default {@code <authgear_endpoint>/_resolver/resolve}
 * @param authgearHost     the {@code Host} Authgear must see (it picks the project by it): the
 *                         endpoint's host and port, whatever {@code url} says
 * @param timeout          the longest a credential waits for Authgear's answer: a free call slot,
 *                         the connection and the call together
 * @param cacheTtl         how long a valid session's answer is reused (0: not cached)
 * @param negativeCacheTtl how long "no session" and {@code Session-Valid: false} are reused
 * @param cacheMaxBytes    bound on the heap the cached answers take
 * @param maxConcurrentCalls bound on calls in flight (random credentials must not open ever more
 *                         connections to Authgear); past it a credential waits for a free slot
 * @param maxQueuedCalls   bound on credentials waiting for a slot; past it a credential is not asked
 *                         about, and the request gets {@code onError}
 * @param onError          what a request gets when the resolver cannot answer in time
 */
public record ResolverSettings(
        URI url,
        String authgearHost,
        Duration timeout,
        Duration cacheTtl,
        Duration negativeCacheTtl,
        long cacheMaxBytes,
        int maxConcurrentCalls,
        int maxQueuedCalls,
        OnError onError) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_NEGATIVE_CACHE_TTL = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 256;
    /** Enough for the burst after a restart (N new sessions at once) to wait rather than fail. */
    public static final int DEFAULT_MAX_QUEUED_CALLS = 1024;

    public ResolverSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(authgearHost, "authgearHost");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        Objects.requireNonNull(negativeCacheTtl, "negativeCacheTtl");
        Objects.requireNonNull(onError, "onError");
    }

    /** The defaults for an Authgear origin, with the cache budget for a JVM of this max heap. */
    public static ResolverSettings defaultsFor(String issuer, long maxHeap) {
        URI origin = URI.create(issuer);
        return new ResolverSettings(URI.create(issuer + "/_resolver/resolve"), origin.getRawAuthority(),
                DEFAULT_TIMEOUT, DEFAULT_CACHE_TTL, DEFAULT_NEGATIVE_CACHE_TTL, MemoryBudgets.resolverCacheDefault(maxHeap),
                DEFAULT_MAX_CONCURRENT_CALLS, DEFAULT_MAX_QUEUED_CALLS, OnError.DENY);
    }

    /** True when {@link #url} is not Authgear's own origin, so {@code Host} must be set explicitly. */
    public boolean needsHostOverride() {
        return !authgearHost.equalsIgnoreCase(url.getRawAuthority());
    }
}

package io.authgate.apisix;

import io.authgate.core.ResolverFailure;
import io.authgate.core.AuthgateEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The core's events, in the runner's log. JWKS fetch failures are rate-limited by the core's backoff;
 * failed calls to Authgear's resolver are logged at most once per {@link #RESOLVER_LOG_INTERVAL_NANOS},
 * with how many there were, since an outage would otherwise log once per request.
 */
final class Slf4jEvents implements AuthgateEvents {
    private static final Logger LOG = LoggerFactory.getLogger("io.authgate");
    static final long RESOLVER_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final AtomicLong resolverFailuresSinceLog = new AtomicLong();
    private final AtomicLong lastResolverLog = new AtomicLong(System.nanoTime() - RESOLVER_LOG_INTERVAL_NANOS);

    @Override
    public void jwksFetched(URI source, int keys, int skipped, Duration ttl) {
        LOG.info("authgate: loaded {} signing key(s) from {} ({} skipped as unusable), fresh for {} s",
                keys, source, skipped, ttl.toSeconds());
    }

    @Override
    public void jwksFetchFailed(URI source, String reason) {
        LOG.warn("authgate: cannot fetch signing keys from {}: {}", source, reason);
    }

    @Override
    public void resolverFailed(long nanos, ResolverFailure cause, String message) {
        long failures = resolverFailuresSinceLog.incrementAndGet();
        long last = lastResolverLog.get();
        long now = System.nanoTime();
        if (now - last >= RESOLVER_LOG_INTERVAL_NANOS && lastResolverLog.compareAndSet(last, now)) {
            resolverFailuresSinceLog.addAndGet(-failures);
            LOG.warn("authgate: Authgear's resolver failed {} time(s) in the last {} s; last: {} after {} ms",
                    failures, TimeUnit.NANOSECONDS.toSeconds(RESOLVER_LOG_INTERVAL_NANOS), message, TimeUnit.NANOSECONDS.toMillis(nanos));
        }
    }
}

package io.authgate.apisix;

import io.authgate.core.AuthgateEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;

/** The core's events, in the runner's log. Fetch failures are rate-limited by the core's backoff. */
final class Slf4jEvents implements AuthgateEvents {
    private static final Logger LOG = LoggerFactory.getLogger("io.authgate");

    @Override
    public void jwksFetched(URI source, int keys, int skipped, Duration ttl) {
        LOG.info("authgate: loaded {} signing key(s) from {} ({} skipped as unusable), fresh for {} s",
                keys, source, skipped, ttl.toSeconds());
    }

    @Override
    public void jwksFetchFailed(URI source, String reason) {
        LOG.warn("authgate: cannot fetch signing keys from {}: {}", source, reason);
    }
}

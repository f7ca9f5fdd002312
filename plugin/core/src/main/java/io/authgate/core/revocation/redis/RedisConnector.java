package io.authgate.core.revocation.redis;

import javax.net.ssl.SSLSocketFactory;
import java.util.concurrent.ScheduledExecutorService;

/** Opens connections to the configured Redis: what the reader and the publisher share. */
final class RedisConnector {
    private final RedisSettings settings;
    private final ScheduledExecutorService watchdog;
    private final SSLSocketFactory tls;

    RedisConnector(RedisSettings settings, ScheduledExecutorService watchdog, SSLSocketFactory tls) {
        this.settings = settings;
        this.watchdog = watchdog;
        this.tls = tls;
    }

    RedisConnection open() throws RedisException {
        return RedisConnection.open(settings, watchdog, tls);
    }
}

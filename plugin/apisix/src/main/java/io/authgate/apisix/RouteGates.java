package io.authgate.apisix;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.authgate.core.Authgate;
import io.authgate.core.Gate;
import com.fasterxml.jackson.databind.JsonNode;
import io.authgate.core.BrowserAnswers;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.BrowserSettings;
import io.authgate.core.config.ConfigSection;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.Denials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Route values to resolvers. The runner hands the filter the route's raw value on every request;
 * parsing it each time would put JSON parsing on the hot path, so each distinct value is parsed and
 * validated once and kept, bounded by the values' length (a runner serves at most its conf cache's
 * capacity of routes, 1,000).
 * The runner keeps the same String instance for a route, so a lookup hashes nothing new.
 */
final class RouteGates {
    private static final Logger LOG = LoggerFactory.getLogger(RouteGates.class);

    /** A route value is a few hundred characters; one of many kilobytes is a mistake, kept by its text if read. */
    static final int MAX_VALUE_CHARS = 64 * 1024;
    /**
     * The values kept, in characters, each counted as at least {@link #MIN_WEIGHT}: at most 8 MiB of
     * heap for the text, and at most 4,096 values (the runner itself keeps at most 1,000 confs).
     */
    private static final long MAX_KEPT_CHARS = 4L << 20;
    private static final int MIN_WEIGHT = 1024;

    private final Authgate authgate;
    private final Cache<String, RouteGate> byValue = Caffeine.newBuilder()
            .maximumWeight(MAX_KEPT_CHARS)
            .<String, RouteGate>weigher((value, gate) -> Math.max(MIN_WEIGHT, value.length()))
            .build();
    /** The refusal of an oversized value: not kept (its text would be the key), said at most once a minute. */
    private final AtomicLong oversizedSaidAt = new AtomicLong(System.nanoTime() - TimeUnit.MINUTES.toNanos(1));

    RouteGates(Authgate authgate) {
        this.authgate = authgate;
    }

    /** @param value the route's plugin value; {@code null} when the route names the filter without one */
    RouteGate forValue(String value) {
        String key = value == null ? "" : value;
        if (key.length() > MAX_VALUE_CHARS) {
            return oversized(key.length());
        }
        return byValue.get(key, this::build);
    }

    private RouteGate oversized(int chars) {
        ConfigException e = new ConfigException("(document)", "the route value is larger than 64 KiB (" + chars + " characters)");
        long now = System.nanoTime();
        long last = oversizedSaidAt.get();
        if (now - last >= TimeUnit.MINUTES.toNanos(1) && oversizedSaidAt.compareAndSet(last, now)) {
            LOG.error("{}; every request on this route is answered 500 until it is fixed (said at most once a minute)",
                    Denials.invalidConfigMessage(e));
        }
        return new RouteGate.Misconfigured(e);
    }

    private RouteGate build(String value) {
        try {
            JsonNode tree = ConfigParser.readJson(value);
            AuthgateConfig config = ConfigParser.parse(tree);
            BrowserSettings browser = BrowserSettings.parse(ConfigSection.root(tree, "must be an object"), config.mode());
            // Starts fetching keys now, so the route's first request finds them.
            Gate resolver = authgate.prepare(config);
            LOG.info("authgate: route configured for issuer {} (mode {})", config.issuer(), config.mode().configName());
            return new RouteGate.Configured(resolver, BrowserAnswers.of(browser));
        } catch (ConfigException e) {
            // Logged once per distinct value: the cache keeps the failure too.
            LOG.error("{}; every request on this route is answered 500 until it is fixed", Denials.invalidConfigMessage(e));
            return new RouteGate.Misconfigured(e);
        }
    }
}

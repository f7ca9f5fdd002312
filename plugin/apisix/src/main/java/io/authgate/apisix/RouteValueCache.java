package io.authgate.apisix;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.authgate.core.AtMostOncePer;
import io.authgate.core.Denials;
import io.authgate.core.config.ConfigException;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.function.Function;

/**
 * Route values (a filter's configuration, as the runner hands it on every request) to what they
 * build, each built once and kept, so no request parses JSON. Kept by their text, so the text is
 * bounded: a value over {@link #MAX_VALUE_CHARS} is refused unread and not kept (it would be the key),
 * said at most once a minute; the values kept weigh at most {@link #MAX_KEPT_CHARS} characters, each
 * counted as at least {@link #MIN_WEIGHT} (at most 4,096 values; the runner itself keeps at most 1,000
 * confs). APISIX's admin can write a value of megabytes: a 4 MB one was kept, measured through the runner.
 */
final class RouteValueCache<V> {
    /** A route value is a few hundred characters; one of many kilobytes is a mistake. */
    static final int MAX_VALUE_CHARS = 64 * 1024;
    private static final long MAX_KEPT_CHARS = 4L << 20;
    private static final int MIN_WEIGHT = 1024;

    private final Cache<String, V> byValue = Caffeine.newBuilder()
            .maximumWeight(MAX_KEPT_CHARS)
            .<String, V>weigher((value, built) -> Math.max(MIN_WEIGHT, value.length()))
            .build();
    private final Function<String, V> build;
    private final Function<ConfigException, V> refused;
    private final Logger log;
    private final String consequence;
    private final AtMostOncePer oversizedSaid = new AtMostOncePer(Duration.ofMinutes(1));

    /**
     * @param build       what a value becomes (it logs its own errors: once per value, since the result is kept)
     * @param refused     what an oversized value is answered with
     * @param consequence what the refusal means for the route, for the log line
     */
    RouteValueCache(Function<String, V> build, Function<ConfigException, V> refused, Logger log, String consequence) {
        this.build = build;
        this.refused = refused;
        this.log = log;
        this.consequence = consequence;
    }

    /** @param value the route's value; {@code null} when the route names the filter without one */
    V forValue(String value) {
        String key = value == null ? "" : value;
        if (key.length() > MAX_VALUE_CHARS) {
            ConfigException e = new ConfigException("(document)", "the route value is larger than 64 KiB (" + key.length() + " characters)");
            if (oversizedSaid.now()) {
                log.error("{}; {} (said at most once a minute)", Denials.invalidConfigMessage(e), consequence);
            }
            return refused.apply(e);
        }
        return byValue.get(key, build);
    }
}

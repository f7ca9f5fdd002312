package io.authgate.apisix;

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

/**
 * Route values to resolvers. The runner hands the filter the route's raw value on every request;
 * parsing it each time would put JSON parsing on the hot path, so each distinct value is parsed and
 * validated once and kept ({@link RouteValueCache}, bounded by the values' length).
 * The runner keeps the same String instance for a route, so a lookup hashes nothing new.
 */
final class RouteGates {
    private static final Logger LOG = LoggerFactory.getLogger(RouteGates.class);

    private final Authgate authgate;
    private final RouteValueCache<RouteGate> byValue = new RouteValueCache<>(this::build, RouteGate.Misconfigured::new, LOG,
            "every request on this route is answered 500 until it is fixed");

    RouteGates(Authgate authgate) {
        this.authgate = authgate;
    }

    /** @param value the route's plugin value; {@code null} when the route names the filter without one */
    RouteGate forValue(String value) {
        return byValue.forValue(value);
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

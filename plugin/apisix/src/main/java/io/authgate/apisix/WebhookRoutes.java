package io.authgate.apisix;

import com.fasterxml.jackson.databind.JsonNode;
import io.authgate.core.Authgate;
import io.authgate.core.Denials;
import io.authgate.core.WebhookReceiver;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.config.WebhookSecretFromEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The {@code AuthgearWebhook} route values to their project's receiver, each parsed once (as
 * {@link RouteGates} does for the resolver's). A value is the resolver's configuration document: its
 * {@code authgear_endpoint} names the project, {@code revocation.webhook_secret} (or the runner's
 * {@value WebhookSecretFromEnvironment#ENV}) the key Authgear signs with, {@code revocation.redis} the
 * stream every runner of the project follows.
 */
final class WebhookRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);

    private final Authgate authgate;
    private final UnaryOperator<JsonNode> secretFromEnvironment;
    /** A receiver, or empty for a value in error (kept too, so it is logged once). */
    private final RouteValueCache<Optional<WebhookReceiver>> byValue = new RouteValueCache<>(this::build, e -> Optional.empty(), LOG,
            "every webhook on this route is answered 500 until it is fixed");

    WebhookRoutes(Authgate authgate, Map<String, String> env) {
        this.authgate = authgate;
        this.secretFromEnvironment = WebhookSecretFromEnvironment.adjust(env);
    }

    /** @return the route's receiver; empty when its value is not a valid configuration (logged once) */
    Optional<WebhookReceiver> forValue(String value) {
        return byValue.forValue(value);
    }

    private Optional<WebhookReceiver> build(String value) {
        try {
            AuthgateConfig config = ConfigParser.parse(secretFromEnvironment.apply(ConfigParser.readJson(value)));
            WebhookReceiver receiver = authgate.webhookReceiver(config);
            LOG.info("authgate: webhook route configured for issuer {} ({})", config.issuer(),
                    config.revocation().redis().isPresent() ? "events appended to its Redis stream" : "embedded feed: this runner only");
            return Optional.of(receiver);
        } catch (ConfigException e) {
            LOG.error("{}; every webhook on this route is answered 500 until it is fixed", Denials.invalidConfigMessage(e));
            return Optional.empty();
        }
    }
}

package io.authgate.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Puts {@code AUTHGATE_WEBHOOK_SECRET} into the configuration tree as {@code revocation.webhook_secret}
 * when the file does not set one, so the secret can live in the environment (a Kubernetes secret)
 * and the file in a config map. The file wins when it has one. Never logged: it only reaches the
 * tree, whose parser hides it. Both fronts: the adapter's file, and each APISIX route value of the
 * runner, whose environment is APISIX's {@code ext-plugin.cmd} one.
 */
public final class WebhookSecretFromEnvironment {
    public static final String ENV = "AUTHGATE_WEBHOOK_SECRET";

    private WebhookSecretFromEnvironment() {
    }

    public static UnaryOperator<JsonNode> adjust(Map<String, String> env) {
        String secret = env.get(ENV);
        if (secret == null || secret.isEmpty()) {
            return UnaryOperator.identity();
        }
        return tree -> unlessSet(tree, secret);
    }

    /** The tree with {@code revocation.webhook_secret} set to {@code secret} where it has none. */
    public static JsonNode unlessSet(JsonNode tree, String secret) {
        if (!(tree instanceof ObjectNode root)) {
            return tree; // the parser says what is wrong with it
        }
        JsonNode revocation = root.get("revocation");
        if (revocation == null) {
            root.putObject("revocation").put("webhook_secret", secret);
        } else if (revocation instanceof ObjectNode section && !section.has("webhook_secret")) {
            section.put("webhook_secret", secret);
        }
        return root;
    }
}

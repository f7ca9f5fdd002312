package io.authgate.forwardauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.authgate.core.config.WebhookSecretFromEnvironment;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --demo --config FILE}: the user's configuration (mode, policy, rules, caches) run against
 * the development issuer. The keys naming a real Authgear ({@code authgear_endpoint},
 * {@code jwks_uri}, {@code resolver.url}) are set aside, and {@code development_issuer} is switched
 * on, which keeps the decision port on loopback. Applied again on every reload of the file.
 */
final class DemoConfig {
    private static final List<String> ISSUER_KEYS = List.of("authgear_endpoint", "jwks_uri");

    private DemoConfig() {
    }

    static JsonNode adjust(JsonNode tree) {
        if (!(tree instanceof ObjectNode root)) {
            return tree; // AdapterConfig.parse says what is wrong with it
        }
        ObjectNode out = root.deepCopy();
        ISSUER_KEYS.forEach(out::remove);
        if (out.get("resolver") instanceof ObjectNode resolver) {
            resolver.remove("url");
        }
        out.put("development_issuer", true);
        return out;
    }

    /** The keys {@link #adjust} sets aside that this file has, for the line that says so. */
    static List<String> setAside(JsonNode tree) {
        List<String> found = new ArrayList<>();
        for (String key : ISSUER_KEYS) {
            if (tree.has(key)) {
                found.add(key);
            }
        }
        if (tree.path("resolver").has("url")) {
            found.add("resolver.url");
        }
        return found;
    }

    /**
     * The demo receives webhook events on a port of its own ({@code event user.signed_out} posts
     * there), signed with this run's secret, unless the file says otherwise.
     */
    static JsonNode withWebhooks(JsonNode tree, String secret) {
        if (!(tree instanceof ObjectNode root)) {
            return tree;
        }
        if (!root.has(AdapterConfig.WEBHOOK_LISTEN)) {
            root.put(AdapterConfig.WEBHOOK_LISTEN, "127.0.0.1:0");
        }
        return WebhookSecretFromEnvironment.unlessSet(root, secret);
    }
}

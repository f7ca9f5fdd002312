package io.authgate.forwardauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigParser;

import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.Set;

/**
 * The adapter's configuration: the same keys as the APISIX plugin's value, plus where to listen.
 * Validated whole before anything starts, so the process never runs half-configured.
 *
 * @param envoyPathPrefix when set, any method and path under it is a decision (Envoy's ext_authz
 *                        keeps the original request line); {@code null} otherwise
 * @param developmentIssuer run a development issuer on loopback instead of a real Authgear
 * @param coreKeys        the keys the core reads (with {@code authgear_endpoint} filled in by
 *                        {@link #coreConfig} for the development issuer)
 */
public record AdapterConfig(
        InetSocketAddress listen,
        InetSocketAddress adminListen,
        String envoyPathPrefix,
        boolean developmentIssuer,
        ObjectNode coreKeys) {

    static final String DEFAULT_LISTEN = "127.0.0.1:9095";
    static final String DEFAULT_ADMIN_LISTEN = "127.0.0.1:9096";
    private static final Set<String> ADAPTER_KEYS = Set.of("listen", "admin_listen", "envoy_path_prefix", "development_issuer");

    /** @throws ConfigException naming the key, for any problem in the adapter's or the core's keys */
    public static AdapterConfig parse(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            throw new ConfigException("(document)", "must be a mapping of keys to values");
        }
        ObjectNode root = ((ObjectNode) tree).deepCopy();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!ADAPTER_KEYS.contains(key) && !ConfigParser.topLevelKeys().contains(key)) {
                throw new ConfigException(key, "is not a known key (adapter keys: listen, admin_listen, envoy_path_prefix,"
                        + " development_issuer; and the plugin's keys)");
            }
        }
        InetSocketAddress listen = address(root.remove("listen"), "listen", DEFAULT_LISTEN);
        InetSocketAddress admin = address(root.remove("admin_listen"), "admin_listen", DEFAULT_ADMIN_LISTEN);
        if (listen.getPort() != 0 && listen.equals(admin)) {
            throw new ConfigException("admin_listen", "must differ from listen: management requests never share the decision port");
        }
        String envoyPrefix = envoyPrefix(root.remove("envoy_path_prefix"));
        boolean dev = bool(root.remove("development_issuer"), "development_issuer");
        if (dev) {
            if (root.has("authgear_endpoint") || root.has("jwks_uri")) {
                throw new ConfigException("development_issuer", "cannot be enabled together with a real authgear_endpoint or jwks_uri");
            }
            // The address it binds, as resolved: "[::1]" reads back as 0:0:0:0:0:0:0:1, which a check
            // on the host text (LoopbackHosts) does not know.
            if (!listen.getAddress().isLoopbackAddress()) {
                throw new ConfigException("listen", "must be a loopback address while development_issuer is enabled");
            }
            // Validate the other keys now, as they will be used with the development issuer's origin.
            ObjectNode probe = root.deepCopy();
            probe.put("authgear_endpoint", "http://127.0.0.1");
            ConfigParser.parse(probe);
        } else {
            ConfigParser.parse(root);
        }
        return new AdapterConfig(listen, admin, envoyPrefix, dev, root);
    }

    /** The core's configuration; {@code endpoint} is the development issuer's origin, or null. */
    public AuthgateConfig coreConfig(String developmentEndpoint) {
        ObjectNode keys = coreKeys.deepCopy();
        if (developmentIssuer) {
            keys.put("authgear_endpoint", developmentEndpoint);
        }
        return ConfigParser.parse(keys);
    }

    private static InetSocketAddress address(JsonNode node, String key, String fallback) {
        String text = node == null ? fallback : node.isTextual() ? node.textValue() : null;
        if (text == null) {
            throw new ConfigException(key, "must be a string host:port, e.g. " + fallback);
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new ConfigException(key, "must be host:port, e.g. " + fallback + " (got \"" + text + "\")");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "has a port that is not a number (got \"" + text + "\")");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, "has a port outside 0-65535 (got " + port + ")");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new ConfigException(key, "has a host that is not an address and does not resolve (got \"" + text + "\")");
        }
        return address;
    }

    private static String envoyPrefix(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || !node.textValue().startsWith("/")) {
            throw new ConfigException("envoy_path_prefix", "must be a path starting with /, e.g. /ext_authz");
        }
        return node.textValue();
    }

    private static boolean bool(JsonNode node, String key) {
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new ConfigException(key, "must be true or false");
        }
        return node.booleanValue();
    }
}

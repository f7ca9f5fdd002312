package io.authgate.forwardauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigParser;
import io.authgate.forwardauth.log.LogSettings;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The adapter's configuration: the same keys as the APISIX plugin's value, plus where to listen.
 * Validated whole before anything starts, so the process never runs half-configured.
 *
 * @param envoyPathPrefix when set, any method and path under it is a decision (Envoy's ext_authz
 *                        keeps the original request line); {@code null} otherwise
 * @param developmentIssuer run a development issuer on loopback instead of a real Authgear
 * @param coreKeys        the keys the core reads (with {@code authgear_endpoint} filled in by
 *                        {@link #coreConfig} for the development issuer)
 * @param rules           per-route modes and policies, first match wins; the top level is the default
 * @param eventLoopThreads how many threads serve connections: by default one per core, not Netty's
 *                        two, since the adapter shares its host's cores with the gateway it serves
 * @param connections     the decision port's bounds on connections and requests
 * @param forwardedHeaders which headers say what request a rule is matched on
 * @param logs            the log's format and whether decisions are logged
 */
public record AdapterConfig(
        InetSocketAddress listen,
        InetSocketAddress adminListen,
        int eventLoopThreads,
        ConnectionPolicy connections,
        String envoyPathPrefix,
        boolean developmentIssuer,
        ObjectNode coreKeys,
        List<Rule> rules,
        ForwardedHeaders forwardedHeaders,
        LogSettings logs) {

    /** One entry of {@code rules}: which requests, and the core keys (top level plus its mode, policy and live). */
    public record Rule(RouteMatch match, ObjectNode coreKeys) {
    }

    static final String DEFAULT_LISTEN = "127.0.0.1:9095";
    static final String DEFAULT_ADMIN_LISTEN = "127.0.0.1:9096";
    private static final Set<String> ADAPTER_KEYS = union(Set.of("listen", "admin_listen", "event_loop_threads", "envoy_path_prefix",
            "development_issuer", "rules", "forwarded_headers"), union(ConnectionPolicy.KEYS, LogSettings.KEYS));
    private static final Set<String> RULE_KEYS = Set.of("match", "mode", "policy", "live");
    private static final Set<String> MATCH_KEYS = Set.of("host", "path_prefix", "path_regex", "methods");

    /** @throws ConfigException naming the key, for any problem in the adapter's or the core's keys */
    public static AdapterConfig parse(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            throw new ConfigException("(document)", "must be a mapping of keys to values");
        }
        ObjectNode root = ((ObjectNode) tree).deepCopy();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!ADAPTER_KEYS.contains(key) && !ConfigParser.topLevelKeys().contains(key)) {
                throw new ConfigException(key, "is not a known key (adapter keys: listen, admin_listen, event_loop_threads, envoy_path_prefix,"
                        + " development_issuer, rules, forwarded_headers, max_connections, max_connections_per_source, gateway_sources,"
                        + " request_head_timeout_ms, max_pipelined_requests, log_format, decision_log; and the plugin's keys)");
            }
        }
        InetSocketAddress listen = address(root.remove("listen"), "listen", DEFAULT_LISTEN);
        InetSocketAddress admin = address(root.remove("admin_listen"), "admin_listen", DEFAULT_ADMIN_LISTEN);
        if (listen.getPort() != 0 && listen.equals(admin)) {
            throw new ConfigException("admin_listen", "must differ from listen: management requests never share the decision port");
        }
        int threads = eventLoopThreads(root.remove("event_loop_threads"));
        ConnectionPolicy connections = ConnectionPolicy.parse(root);
        LogSettings logs = LogSettings.parse(root);
        String envoyPrefix = envoyPrefix(root.remove("envoy_path_prefix"));
        boolean dev = bool(root.remove("development_issuer"), "development_issuer");
        JsonNode rulesNode = root.remove("rules");
        ForwardedHeaders forwarded = forwardedHeaders(root.remove("forwarded_headers"));
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
        List<Rule> rules = rules(rulesNode, root, dev);
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).match().host() != null && forwarded.hostHeader == null) {
                throw new ConfigException("rules[" + i + "].match.host", "needs forwarded_headers: x-forwarded (forwarded_headers: "
                        + forwarded.configName + " names no host; nginx: proxy_set_header X-Forwarded-Host $host in the auth location)");
            }
        }
        return new AdapterConfig(listen, admin, threads, connections, envoyPrefix, dev, root, rules, forwarded, logs);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static List<Rule> rules(JsonNode node, ObjectNode defaults, boolean dev) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ConfigException("rules", "must be a list of {match, mode, policy, live}");
        }
        List<Rule> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "rules[" + i + "]";
            JsonNode rule = node.get(i);
            if (!rule.isObject()) {
                throw new ConfigException(at, "must be an object with match, mode and policy");
            }
            rejectUnknown(rule, RULE_KEYS, at + ".");
            RouteMatch match = match(rule.get("match"), at + ".match");
            ObjectNode keys = defaults.deepCopy();
            keys.remove("policy"); // a rule states its own policy; it does not inherit the default's
            if (rule.has("mode")) {
                keys.set("mode", rule.get("mode"));
            }
            if (rule.has("policy")) {
                keys.set("policy", rule.get("policy"));
            }
            if (rule.has("live")) {
                keys.set("live", rule.get("live"));
            }
            ObjectNode probe = keys.deepCopy();
            if (dev) {
                probe.put("authgear_endpoint", "http://127.0.0.1");
            }
            try {
                ConfigParser.parse(probe);
            } catch (ConfigException e) {
                throw new ConfigException(at + "." + e.key(), e.reason());
            }
            out.add(new Rule(match, keys));
        }
        return List.copyOf(out);
    }

    private static RouteMatch match(JsonNode node, String at) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new ConfigException(at, "must be an object with at least one of host, path_prefix, path_regex, methods");
        }
        rejectUnknown(node, MATCH_KEYS, at + ".");
        String host = node.has("host") ? nonEmptyText(node.get("host"), at + ".host") : null;
        String prefix = node.has("path_prefix") ? nonEmptyText(node.get("path_prefix"), at + ".path_prefix") : null;
        if (prefix != null && !prefix.startsWith("/")) {
            throw new ConfigException(at + ".path_prefix", "must start with /");
        }
        Pattern regex = null;
        if (node.has("path_regex")) {
            if (prefix != null) {
                throw new ConfigException(at + ".path_regex", "cannot be combined with path_prefix: choose one");
            }
            try {
                regex = Pattern.compile(nonEmptyText(node.get("path_regex"), at + ".path_regex"));
            } catch (PatternSyntaxException e) {
                throw new ConfigException(at + ".path_regex", "is not a valid regular expression: " + e.getDescription());
            }
        }
        Set<String> methods = new LinkedHashSet<>();
        if (node.has("methods")) {
            JsonNode list = node.get("methods");
            if (!list.isArray() || list.isEmpty()) {
                throw new ConfigException(at + ".methods", "must be a non-empty list such as [GET, POST]");
            }
            for (JsonNode m : list) {
                String method = nonEmptyText(m, at + ".methods[]");
                if (!method.matches("[A-Z]+")) {
                    throw new ConfigException(at + ".methods[]", "\"" + method + "\" is not an upper-case HTTP method");
                }
                methods.add(method);
            }
        }
        return new RouteMatch(host, prefix, regex, methods);
    }

    private static void rejectUnknown(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new ConfigException(prefix + key, "is not a known key (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String nonEmptyText(JsonNode node, String key) {
        if (node == null || !node.isTextual() || node.textValue().isEmpty()) {
            throw new ConfigException(key, "must be a non-empty string");
        }
        return node.textValue();
    }

    /** The core's configuration; {@code endpoint} is the development issuer's origin, or null. */
    public AuthgateConfig coreConfig(String developmentEndpoint) {
        return coreConfig(coreKeys, developmentEndpoint);
    }

    /** The core's configuration for a rule. */
    public AuthgateConfig coreConfig(Rule rule, String developmentEndpoint) {
        return coreConfig(rule.coreKeys(), developmentEndpoint);
    }

    private AuthgateConfig coreConfig(ObjectNode base, String developmentEndpoint) {
        ObjectNode keys = base.deepCopy();
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

    private static int eventLoopThreads(JsonNode node) {
        if (node == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1 || node.intValue() > 256) {
            throw new ConfigException("event_loop_threads", "must be a whole number from 1 to 256");
        }
        return node.intValue();
    }

    private static ForwardedHeaders forwardedHeaders(JsonNode node) {
        if (node == null) {
            return ForwardedHeaders.X_FORWARDED;
        }
        ForwardedHeaders named = node.isTextual() ? ForwardedHeaders.named(node.asText()) : null;
        if (named == null) {
            throw new ConfigException("forwarded_headers", "must be x-forwarded (Traefik, Caddy, the shipped nginx config)"
                    + " or x-original (nginx setting X-Original-Method and X-Original-URI)");
        }
        return named;
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

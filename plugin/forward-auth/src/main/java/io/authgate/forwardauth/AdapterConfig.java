package io.authgate.forwardauth;

import io.authgate.core.config.WebhookSecretFromEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import io.authgate.core.config.AuthgateConfig;
import io.authgate.core.config.BrowserSettings;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigParser;
import io.authgate.core.config.ConfigSection;
import io.authgate.core.config.MemoryBudgets;
import io.authgate.core.config.RouteSettings;
import io.authgate.forwardauth.log.LogSettings;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The adapter's configuration: the same keys as the APISIX plugin's value, plus where to listen.
 * Validated whole, each key and each rule once, before anything starts, so the process never runs
 * half-configured. Immutable.
 *
 * @param envoyPathPrefix when set, any method and path under it is a decision (Envoy's ext_authz
 *                        keeps the original request line); {@code null} otherwise
 * @param developmentIssuer run a development issuer on loopback instead of a real Authgear
 * @param core            the core's configuration (top level); with the development issuer, as
 *                        checked against a loopback origin until the issuer's own is known
 *                        ({@link #coreConfig})
 * @param coreKeys        the document the core was read from: read again only for the development
 *                        issuer's origin, never changed
 * @param rules           per-route modes and policies, first match wins; the top level is the default
 * @param eventLoopThreads how many threads serve connections: by default one per core, not Netty's
 *                        two, since the adapter shares its host's cores with the gateway it serves
 * @param connections     the decision port's bounds on connections and requests
 * @param forwardedHeaders which headers say what request a rule is matched on
 * @param answerCaching   how long a gateway cache may reuse an answer ({@code gateway_cache_max_age_seconds})
 * @param logs            the log's format and whether decisions are logged
 * @param browser         the top level's browser features ({@code allow_cors_preflight}, {@code login_redirect})
 * @param webhookListen   where Authgear's webhook events are received ({@code webhook_listen}); empty: not received
 */
public record AdapterConfig(
        InetSocketAddress listen,
        InetSocketAddress adminListen,
        int eventLoopThreads,
        ConnectionPolicy connections,
        String envoyPathPrefix,
        boolean developmentIssuer,
        AuthgateConfig core,
        ConfigSection coreKeys,
        List<Rule> rules,
        ForwardedHeaders forwardedHeaders,
        AnswerCaching answerCaching,
        LogSettings logs,
        BrowserSettings browser,
        Optional<InetSocketAddress> webhookListen) {

    /**
     * One entry of {@code rules}: which requests, and what the rule sets on top of the top level
     * (browser features its own); or, when the rule names its own Authgear project
     * ({@code authgear_endpoint}), that project's whole configuration, which takes nothing from the
     * top level's.
     *
     * @param project the rule's own project; empty when it uses the top level's
     */
    public record Rule(RouteMatch match, RouteSettings settings, BrowserSettings browser, Optional<AuthgateConfig> project) {
        Rule(RouteMatch match, RouteSettings settings, BrowserSettings browser) {
            this(match, settings, browser, Optional.empty());
        }

        /** The core's configuration on this rule, given the top level's. */
        public AuthgateConfig configOver(AuthgateConfig topLevel) {
            return project.orElseGet(() -> topLevel.with(settings));
        }
    }

    static final String WEBHOOK_LISTEN = "webhook_listen";
    /** Where the secret may come from instead of the file, so the file can be shared without it. */
    static final String WEBHOOK_SECRET_ENV = WebhookSecretFromEnvironment.ENV;
    static final String DEFAULT_LISTEN = "127.0.0.1:9095";
    static final String DEFAULT_ADMIN_LISTEN = "127.0.0.1:9096";
    private static final Set<String> ADAPTER_KEYS = union(Set.of("listen", "admin_listen", "event_loop_threads", "envoy_path_prefix",
            "development_issuer", "rules", "forwarded_headers", WEBHOOK_LISTEN), union(ConnectionPolicy.KEYS, union(AnswerCaching.KEYS, LogSettings.KEYS)));
    private static final Set<String> RULE_KEYS = Set.of("match", "mode", "policy", "live", "claims_to_headers",
            BrowserSettings.CORS_KEY, BrowserSettings.LOGIN_KEY);
    private static final Set<String> MATCH_KEYS = Set.of("host", "path_prefix", "path_regex", "methods", "case_insensitive");

    /** What the development issuer's origin stands for while the rest is checked: it is loopback http, like the issuer's. */
    private static final String DEVELOPMENT_ORIGIN_PLACEHOLDER = "http://127.0.0.1";

    /** @throws ConfigException naming the key, for any problem in the adapter's or the core's keys */
    public static AdapterConfig parse(JsonNode tree) {
        // A copy, so that the caller changing its tree later cannot change this configuration.
        ConfigSection root = ConfigSection.root(tree == null ? null : tree.deepCopy(), "must be a mapping of keys to values");
        root.allowOnly(union(ADAPTER_KEYS, ConfigParser.topLevelKeys()));
        InetSocketAddress listen = address(root, "listen", DEFAULT_LISTEN);
        InetSocketAddress admin = address(root, "admin_listen", DEFAULT_ADMIN_LISTEN);
        if (listen.getPort() != 0 && listen.equals(admin)) {
            throw new ConfigException("admin_listen", "must differ from listen: management requests never share the decision port");
        }
        int threads = root.integer("event_loop_threads", Runtime.getRuntime().availableProcessors(), 1, 256);
        ConnectionPolicy connections = ConnectionPolicy.parse(root);
        AnswerCaching answerCaching = AnswerCaching.parse(root);
        LogSettings logs = LogSettings.parse(root);
        String envoyPrefix = envoyPrefix(root.get("envoy_path_prefix").orElse(null));
        boolean dev = root.flag("development_issuer");
        ForwardedHeaders forwarded = forwardedHeaders(root.get("forwarded_headers").orElse(null));
        if (dev) {
            if (root.has("authgear_endpoint") || root.has("jwks_uri")) {
                throw new ConfigException("development_issuer", "cannot be enabled together with a real authgear_endpoint or jwks_uri");
            }
            // The address it binds, as resolved: "[::1]" reads back as 0:0:0:0:0:0:0:1, which a check
            // on the host text (LoopbackHosts) does not know.
            if (!listen.getAddress().isLoopbackAddress()) {
                throw new ConfigException("listen", "must be a loopback address while development_issuer is enabled");
            }
        }
        AuthgateConfig core = ConfigParser.parse(root, heapPerProject(root), ADAPTER_KEYS, dev ? DEVELOPMENT_ORIGIN_PLACEHOLDER : null);
        List<Rule> rules = rules(root, core);
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).match().host() != null && forwarded.hostHeader == null) {
                throw new ConfigException("rules[" + i + "].match.host", "needs forwarded_headers: x-forwarded (forwarded_headers: "
                        + forwarded.configName + " names no host; nginx: proxy_set_header X-Forwarded-Host $host in the auth location)");
            }
        }
        BrowserSettings browser = BrowserSettings.parse(root, core.mode());
        Optional<InetSocketAddress> webhook = webhookListen(root, listen, admin, core);
        return new AdapterConfig(listen, admin, threads, connections, envoyPrefix, dev, core, root, rules, forwarded, answerCaching, logs,
                browser, webhook);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static List<Rule> rules(ConfigSection root, AuthgateConfig defaults) {
        JsonNode node = root.get("rules").orElse(null);
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ConfigException("rules", "must be a list of {match, mode, policy, live, claims_to_headers}");
        }
        List<Rule> out = new ArrayList<>();
        long heapPerProject = heapPerProject(root);
        for (int i = 0; i < node.size(); i++) {
            ConfigSection rule = ConfigSection.at("rules[" + i + "]", node.get(i), "must be an object with match, mode and policy");
            RouteMatch match = match(rule.get("match").orElse(null), rule.key("match"));
            out.add(rule.has("authgear_endpoint") ? projectRule(rule, match, heapPerProject) : topLevelRule(rule, match, defaults));
        }
        return List.copyOf(out);
    }

    private static Rule topLevelRule(ConfigSection rule, RouteMatch match, AuthgateConfig defaults) {
        for (String key : ConfigParser.topLevelKeys()) {
            if (rule.has(key) && !RULE_KEYS.contains(key)) {
                throw new ConfigException(rule.key(key), "configures an Authgear project: a rule that has its own names it with "
                        + rule.key("authgear_endpoint") + " and states all of its keys (nothing is taken from the top level's project)");
            }
        }
        rule.allowOnly(RULE_KEYS);
        RouteSettings settings = ConfigParser.route(rule, defaults);
        return new Rule(match, settings, BrowserSettings.parse(rule, settings.mode()));
    }

    /**
     * A rule with its own Authgear project: read like a top level (the same keys and defaults), so its
     * issuer, keys, audience, resolver and caches are its own, shared only with configurations that
     * name the same project with the same settings ({@code Authgate}); its caches sized by its share
     * of the heap ({@link #heapPerProject}).
     */
    private static Rule projectRule(ConfigSection rule, RouteMatch match, long heapPerProject) {
        AuthgateConfig project = ConfigParser.parse(rule, heapPerProject, Set.of("match"), null);
        RouteSettings settings = new RouteSettings(project.mode(), project.policy(), project.live(), project.claimHeaders());
        return new Rule(match, settings, BrowserSettings.parse(rule, settings.mode()), Optional.of(project));
    }

    /**
     * The heap each project's caches are sized and bounded by ({@link ConfigParser#parse}: defaults
     * of it, all together at most half of it): an equal share of the JVM's for each project (the top
     * level and every rule with its own {@code authgear_endpoint}), so that together they still fit
     * in half the heap.
     */
    static long heapPerProject(ConfigSection root) {
        int projects = 1;
        JsonNode rules = root.get("rules").orElse(null);
        if (rules != null && rules.isArray()) {
            for (JsonNode rule : rules) {
                if (rule.isObject() && rule.has("authgear_endpoint")) {
                    projects++;
                }
            }
        }
        return MemoryBudgets.maxHeap() / projects;
    }

    private static RouteMatch match(JsonNode node, String at) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new ConfigException(at, "must be an object with at least one of host, path_prefix, path_regex, methods");
        }
        ConfigSection.at(at, node, "").allowOnly(MATCH_KEYS);
        String host = node.has("host") ? nonEmptyText(node.get("host"), at + ".host") : null;
        String prefix = node.has("path_prefix") ? nonEmptyText(node.get("path_prefix"), at + ".path_prefix") : null;
        if (prefix != null && !prefix.startsWith("/")) {
            throw new ConfigException(at + ".path_prefix", "must start with /");
        }
        boolean caseInsensitive = caseInsensitive(node, at);
        Pattern regex = null;
        if (node.has("path_regex")) {
            if (prefix != null) {
                throw new ConfigException(at + ".path_regex", "cannot be combined with path_prefix: choose one");
            }
            try {
                regex = Pattern.compile(nonEmptyText(node.get("path_regex"), at + ".path_regex"),
                        caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
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
        return new RouteMatch(host, prefix, regex, methods, caseInsensitive);
    }

    /** {@code match.case_insensitive}: a boolean, and only beside a path condition it changes. */
    private static boolean caseInsensitive(JsonNode match, String at) {
        if (!match.has("case_insensitive")) {
            return false;
        }
        JsonNode node = match.get("case_insensitive");
        if (!node.isBoolean()) {
            throw new ConfigException(at + ".case_insensitive", "must be true or false");
        }
        if (!match.has("path_prefix") && !match.has("path_regex")) {
            throw new ConfigException(at + ".case_insensitive", "applies to path_prefix or path_regex, and this match has neither");
        }
        return node.booleanValue();
    }

    private static String nonEmptyText(JsonNode node, String key) {
        if (node == null || !node.isTextual() || node.textValue().isEmpty()) {
            throw new ConfigException(key, "must be a non-empty string");
        }
        return node.textValue();
    }

    /**
     * The core's configuration; {@code developmentEndpoint} is the development issuer's origin, or
     * null. For the development issuer its keys are read once more with its origin, known only now
     * that it listens: what derives from the origin (issuer, default audience, the resolver's URL and
     * Host) changes; everything else was checked by {@link #parse} already.
     */
    public AuthgateConfig coreConfig(String developmentEndpoint) {
        return developmentIssuer ? ConfigParser.parse(coreKeys, heapPerProject(coreKeys), ADAPTER_KEYS, developmentEndpoint) : core;
    }

    /** The core's configuration for a rule: its own project's, or the top level's with the rule's settings. */
    public AuthgateConfig coreConfig(Rule rule, String developmentEndpoint) {
        return rule.configOver(coreConfig(developmentEndpoint));
    }

    private static InetSocketAddress address(ConfigSection root, String key, String fallback) {
        JsonNode node = root.get(key).orElse(null);
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

    /**
     * The webhook listener: off unless set, never the decision or the management port, and only with
     * the secret that lets it tell Authgear's events from anyone's ({@code revocation.webhook_secret},
     * or {@value #WEBHOOK_SECRET_ENV}, put in the tree by {@link WebhookSecretFromEnvironment}).
     */
    private static Optional<InetSocketAddress> webhookListen(ConfigSection root, InetSocketAddress listen, InetSocketAddress admin,
                                                             AuthgateConfig core) {
        if (!root.has(WEBHOOK_LISTEN)) {
            return Optional.empty();
        }
        InetSocketAddress webhook = address(root, WEBHOOK_LISTEN, "127.0.0.1:9097");
        if (webhook.getPort() != 0 && (webhook.equals(listen) || webhook.equals(admin))) {
            throw new ConfigException(WEBHOOK_LISTEN, "must differ from listen and admin_listen: webhooks have a listener of their own");
        }
        if (core.revocation().webhookSecret().isEmpty()) {
            throw new ConfigException("revocation.webhook_secret", "is required with webhook_listen (or set " + WEBHOOK_SECRET_ENV
                    + "): the project's webhook secret, so that only Authgear's signed events are applied");
        }
        return Optional.of(webhook);
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

}

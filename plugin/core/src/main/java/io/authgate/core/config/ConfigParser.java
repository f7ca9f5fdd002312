package io.authgate.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a configuration tree (the APISIX route's JSON value, or the adapter's YAML) into an
 * {@link AuthgateConfig}, or fails with the key and the reason. Strict: unknown keys, wrong types and
 * out-of-range values are errors, because a typo in a security setting must not silently mean
 * "default".
 */
public final class ConfigParser {

    /** Algorithms a config may list: asymmetric signatures whose keys can only verify. */
    public static final Set<String> SUPPORTED_ALGORITHMS = Set.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

    private static final Set<String> TOP_LEVEL_KEYS = Set.of(
            "authgear_endpoint", "jwks_uri", "audience", "clock_skew_seconds", "algorithms", "cookie_prefix",
            "mode", "policy", "jwks", "token_cache_max_bytes", "token_cache_max_entries", "resolver", "live");

    private static final Set<String> POLICY_KEYS = Set.of(
            "allow_anonymous", "require_verified", "roles_any", "roles_all", "scopes_all", "amr_any", "max_auth_age_seconds");

    private static final Set<String> JWKS_KEYS = Set.of(
            "ttl_seconds", "min_ttl_seconds", "max_ttl_seconds", "stale_if_error_seconds",
            "unknown_kid_min_interval_seconds", "fetch_timeout_ms", "wait_timeout_ms");

    private static final Set<String> RESOLVER_KEYS = Set.of(
            "url", "timeout_ms", "cache_ttl_seconds", "negative_cache_ttl_seconds", "cache_max_bytes", "max_entries",
            "max_concurrent_calls", "max_queued_calls", "on_error");

    /** A cache budget: 0 (off, where allowed) or from 64 KiB to 64 GiB. */
    private static final long MIN_CACHE_BYTES = 64L << 10;
    private static final long MAX_CACHE_BYTES = 64L << 30;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ConfigParser() {
    }

    /** Parses a JSON document, as APISIX hands the route's plugin value over. */
    public static AuthgateConfig parseJson(String json) {
        if (json == null || json.isBlank()) {
            throw new ConfigException("authgear_endpoint", "is required (the configuration is empty)");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException("(document)", "is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        return parse(tree);
    }

    /** Parses an already-read tree (JSON or YAML), for this JVM's max heap. */
    public static AuthgateConfig parse(JsonNode tree) {
        return parse(tree, MemoryBudgets.maxHeap());
    }

    /**
     * Parses for a JVM with this max heap, which sizes the caches' defaults and bounds their budgets:
     * together at most half of it.
     */
    public static AuthgateConfig parse(JsonNode tree, long maxHeap) {
        if (tree == null || !tree.isObject()) {
            throw new ConfigException("(document)", "must be an object");
        }
        ObjectNode root = (ObjectNode) tree;
        ConfigSection.root(root, "must be an object").allowOnly(TOP_LEVEL_KEYS);

        URI endpoint = originUri(root, "authgear_endpoint");
        String issuer = endpoint.toString();
        URI jwksUri = root.has("jwks_uri") ? fetchableUri(root.get("jwks_uri"), "jwks_uri") : null;
        Set<String> audiences = root.has("audience") ? audiences(root.get("audience")) : Set.of(issuer);
        Duration skew = Duration.ofSeconds(integer(root, "clock_skew_seconds", 0, 0, 300));
        Set<String> algorithms = root.has("algorithms") ? algorithms(root.get("algorithms")) : Set.of("RS256");
        String cookiePrefix = root.has("cookie_prefix") ? cookiePrefix(root.get("cookie_prefix")) : "";
        Mode mode = root.has("mode") ? mode(root.get("mode")) : Mode.RESOLVE;
        Policy policy = root.has("policy") ? policy(root.get("policy"), mode) : Policy.DEFAULT;
        JwksSettings jwks = root.has("jwks") ? jwksSettings(root.get("jwks")) : JwksSettings.DEFAULTS;
        long tokenCacheMax = cacheBudget(root, "token_cache_max_bytes", "token_cache_max_entries",
                MemoryBudgets.tokenCacheDefault(maxHeap), MemoryBudgets.TOKEN_ENTRY_BYTES, 0, "");
        ResolverSettings resolver = resolverSettings(root.get("resolver"), issuer, maxHeap);
        boolean live = root.has("live") && liveFlag(root.get("live"), resolver);
        requireRoomInHeap(root, tokenCacheMax, resolver, maxHeap);

        return new AuthgateConfig(issuer, jwksUri, audiences, skew, algorithms, cookiePrefix, mode, policy, jwks,
                tokenCacheMax, resolver, live);
    }

    /** An Authgear origin: scheme, host and optional port, nothing else. */
    private static URI originUri(ObjectNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            throw new ConfigException(key, "is required (the Authgear origin, e.g. https://myapp.authgear.cloud)");
        }
        URI uri = fetchableUri(node, key);
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new ConfigException(key, "must be an origin (scheme://host[:port]) with no path, query or fragment");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        // Authgear's iss never carries a default port: https://x:443 must mean https://x.
        boolean defaultPort = uri.getPort() == -1 || (scheme.equals("https") && uri.getPort() == 443)
                || (scheme.equals("http") && uri.getPort() == 80);
        String origin = scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + uri.getPort());
        return URI.create(origin);
    }

    /** An absolute http(s) URI that authgate may fetch: https, or http only on a loopback host. */
    private static URI fetchableUri(JsonNode node, String key) {
        String text = text(node, key);
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "is not a valid URI: " + e.getReason());
        }
        return FetchableUris.require(uri, key);
    }

    private static Set<String> audiences(JsonNode node) {
        Set<String> out = new LinkedHashSet<>();
        if (node.isTextual()) {
            out.add(nonEmpty(node.textValue(), "audience"));
        } else if (node.isArray() && !node.isEmpty()) {
            for (JsonNode item : node) {
                out.add(nonEmpty(text(item, "audience[]"), "audience[]"));
            }
        } else {
            throw new ConfigException("audience", "must be a string or a non-empty list of strings");
        }
        return out;
    }

    private static Set<String> algorithms(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            throw new ConfigException("algorithms", "must be a non-empty list, e.g. [\"RS256\"]");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode item : node) {
            String alg = text(item, "algorithms[]");
            if (!SUPPORTED_ALGORITHMS.contains(alg)) {
                String why = alg.equalsIgnoreCase("none") || alg.toUpperCase(Locale.ROOT).startsWith("HS")
                        ? " (unsigned and HMAC algorithms are never accepted: a public key must never verify a MAC)"
                        : "";
                throw new ConfigException("algorithms", "\"" + alg + "\" is not allowed" + why
                        + "; allowed: " + String.join(", ", SUPPORTED_ALGORITHMS.stream().sorted().toList()));
            }
            out.add(alg);
        }
        return out;
    }

    private static String cookiePrefix(JsonNode node) {
        String prefix = text(node, "cookie_prefix");
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            // RFC 6265 cookie-name is a token: no separators, controls or spaces.
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new ConfigException("cookie_prefix", "may only hold cookie-name characters (RFC 6265 token)");
            }
        }
        return prefix;
    }

    private static Mode mode(JsonNode node) {
        String value = text(node, "mode");
        for (Mode mode : Mode.values()) {
            if (mode.configName().equals(value)) {
                return mode;
            }
        }
        throw new ConfigException("mode", "\"" + value + "\" is not a known mode (known: resolve, enforce)");
    }

    private static Policy policy(JsonNode node, Mode mode) {
        if (!node.isObject()) {
            throw new ConfigException("policy", "must be an object");
        }
        if (mode != Mode.ENFORCE) {
            // A policy that would silently not apply is worse than none: say so.
            throw new ConfigException("policy", "applies only with mode: enforce (mode is " + mode.configName() + ")");
        }
        ObjectNode p = (ObjectNode) node;
        ConfigSection section = ConfigSection.at("policy", p, "must be an object");
        section.allowOnly(POLICY_KEYS);
        boolean allowAnonymous = section.flag("allow_anonymous");
        boolean requireVerified = section.flag("require_verified");
        if (allowAnonymous && requireVerified) {
            throw new ConfigException("policy.allow_anonymous", "contradicts policy.require_verified: an anonymous user is never verified");
        }
        Set<String> rolesAny = names(p, "roles_any");
        Set<String> rolesAll = names(p, "roles_all");
        Duration maxAge = p.has("max_auth_age_seconds")
                ? Duration.ofSeconds(integer(p, "max_auth_age_seconds", 0, 1, 366 * 86400, "policy.")) : null;
        return new Policy(allowAnonymous, requireVerified, rolesAny, rolesAll, names(p, "scopes_all"), names(p, "amr_any"), maxAge);
    }

    private static Set<String> names(ObjectNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            return Set.of();
        }
        if (!value.isArray() || value.isEmpty()) {
            throw new ConfigException("policy." + key, "must be a non-empty list of strings");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode item : value) {
            out.add(nonEmpty(text(item, "policy." + key + "[]"), "policy." + key + "[]"));
        }
        return out;
    }

    private static JwksSettings jwksSettings(JsonNode node) {
        if (!node.isObject()) {
            throw new ConfigException("jwks", "must be an object");
        }
        ObjectNode jwks = (ObjectNode) node;
        ConfigSection.at("jwks", jwks, "must be an object").allowOnly(JWKS_KEYS);
        JwksSettings d = JwksSettings.DEFAULTS;
        Function<String, String> k = name -> "jwks." + name;
        Duration ttl = seconds(jwks, "ttl_seconds", d.defaultTtl(), 1, 7 * 86400);
        Duration min = seconds(jwks, "min_ttl_seconds", d.minTtl(), 1, 7 * 86400);
        Duration max = seconds(jwks, "max_ttl_seconds", d.maxTtl(), 1, 7 * 86400);
        if (min.compareTo(max) > 0) {
            throw new ConfigException(k.apply("min_ttl_seconds"), "must not exceed jwks.max_ttl_seconds");
        }
        Duration stale = seconds(jwks, "stale_if_error_seconds", d.staleIfError(), 0, 7 * 86400);
        Duration unknownKid = seconds(jwks, "unknown_kid_min_interval_seconds", d.unknownKidMinInterval(), 1, 86400);
        Duration fetchTimeout = Duration.ofMillis(integer(jwks, "fetch_timeout_ms", (int) d.fetchTimeout().toMillis(), 1, 60_000, "jwks."));
        Duration waitTimeout = Duration.ofMillis(integer(jwks, "wait_timeout_ms", (int) d.waitTimeout().toMillis(), 0, 60_000, "jwks."));
        return new JwksSettings(ttl, min, max, stale, unknownKid, fetchTimeout, waitTimeout);
    }

    /** Absent or {@code true}: the defaults; {@code false}: remote resolution off; an object: settings. */
    private static ResolverSettings resolverSettings(JsonNode node, String issuer, long maxHeap) {
        ResolverSettings d = ResolverSettings.defaultsFor(issuer, maxHeap);
        if (node == null) {
            return d;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? d : null;
        }
        if (!node.isObject()) {
            throw new ConfigException("resolver", "must be an object (url, timeout_ms, cache_ttl_seconds, negative_cache_ttl_seconds,"
                    + " cache_max_bytes, max_concurrent_calls, max_queued_calls, on_error) or false to turn remote resolution off");
        }
        ObjectNode r = (ObjectNode) node;
        ConfigSection.at("resolver", r, "must be an object").allowOnly(RESOLVER_KEYS);
        URI url = r.has("url") ? fetchableUri(r.get("url"), "resolver.url") : d.url();
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new ConfigException("resolver.url", "must not carry a query or fragment");
        }
        Duration timeout = Duration.ofMillis(integer(r, "timeout_ms", (int) d.timeout().toMillis(), 1, 60_000, "resolver."));
        Duration ttl = Duration.ofSeconds(integer(r, "cache_ttl_seconds", (int) d.cacheTtl().toSeconds(), 0, 86_400, "resolver."));
        Duration negativeTtl = Duration.ofSeconds(integer(r, "negative_cache_ttl_seconds",
                (int) d.negativeCacheTtl().toSeconds(), 0, 3_600, "resolver."));
        long cacheMaxBytes = cacheBudget(r, "cache_max_bytes", "max_entries", d.cacheMaxBytes(),
                MemoryBudgets.RESOLVER_ENTRY_BYTES, MIN_CACHE_BYTES, "resolver.");
        int maxCalls = integer(r, "max_concurrent_calls", d.maxConcurrentCalls(), 1, 100_000, "resolver.");
        int maxQueued = integer(r, "max_queued_calls", d.maxQueuedCalls(), 0, 100_000, "resolver.");
        OnError onError = r.has("on_error") ? onError(r.get("on_error")) : d.onError();
        return new ResolverSettings(url, d.authgearHost(), timeout, ttl, negativeTtl, cacheMaxBytes, maxCalls, maxQueued, onError);
    }

    private static OnError onError(JsonNode node) {
        String value = text(node, "resolver.on_error");
        for (OnError e : OnError.values()) {
            if (e.configName().equals(value)) {
                return e;
            }
        }
        throw new ConfigException("resolver.on_error", "\"" + value + "\" is not known (known: deny, no_session)");
    }

    /**
     * A cache's budget in bytes: {@code bytesKey} as a whole number of bytes or with a binary unit
     * ({@code "64MiB"}), or the older count-based {@code countKey}, read as that many ordinary entries
     * and never above the default (so that a count set for a bigger heap cannot outgrow this one).
     *
     * @param min the smallest budget besides 0; 0 itself is allowed only when {@code min} is 0
     */
    private static long cacheBudget(ObjectNode node, String bytesKey, String countKey, long fallback, long bytesPerEntry,
                                    long min, String prefix) {
        if (node.has(bytesKey) && node.has(countKey)) {
            throw new ConfigException(prefix + countKey, "is the older, count-based form of " + prefix + bytesKey
                    + ": set only " + prefix + bytesKey);
        }
        if (node.has(countKey)) {
            int entries = integer(node, countKey, 0, min == 0 ? 0 : 1, 10_000_000, prefix);
            return Math.min(fallback, entries * bytesPerEntry);
        }
        JsonNode value = node.get(bytesKey);
        if (value == null) {
            return fallback;
        }
        long bytes = ByteSizes.parse(value);
        boolean off = bytes == 0 && min == 0;
        if (!off && (bytes < Math.max(min, MIN_CACHE_BYTES) || bytes > MAX_CACHE_BYTES)) {
            throw new ConfigException(prefix + bytesKey, "must be " + (min == 0 ? "0 (no cache) or " : "")
                    + "from 64 KiB to 64 GiB: a whole number of bytes, or one with a unit (KiB, MiB, GiB) such as \"64MiB\"");
        }
        return bytes;
    }

    /**
     * The caches may take at most half the heap together; the rest is for everything else. The
     * defaults always fit (3/8 of the heap at most), so a failure names a budget that was set.
     */
    private static void requireRoomInHeap(ObjectNode root, long tokenCacheBytes, ResolverSettings resolver, long maxHeap) {
        long resolverBytes = resolver == null ? 0 : resolver.cacheMaxBytes();
        if (tokenCacheBytes + resolverBytes <= maxHeap / 2) {
            return;
        }
        JsonNode r = root.path("resolver");
        String key = root.has("token_cache_max_bytes") ? "token_cache_max_bytes"
                : root.has("token_cache_max_entries") ? "token_cache_max_entries"
                : r.has("cache_max_bytes") ? "resolver.cache_max_bytes" : "resolver.max_entries";
        throw new ConfigException(key, "the verified-token cache (" + ByteSizes.describe(tokenCacheBytes)
                + ") and the resolver cache (" + ByteSizes.describe(resolverBytes) + ") may take at most half of this JVM's max heap ("
                + ByteSizes.describe(maxHeap) + "): lower them, or give the JVM more heap (-Xmx)");
    }

    private static boolean liveFlag(JsonNode node, ResolverSettings resolver) {
        if (!node.isBoolean()) {
            throw new ConfigException("live", "must be true or false");
        }
        if (node.booleanValue() && resolver == null) {
            throw new ConfigException("live", "needs Authgear's resolver, which resolver: false turns off");
        }
        return node.booleanValue();
    }

    private static Duration seconds(ObjectNode node, String key, Duration fallback, int min, int max) {
        return Duration.ofSeconds(integer(node, key, (int) fallback.toSeconds(), min, max, "jwks."));
    }

    private static int integer(ObjectNode node, String key, int fallback, int min, int max) {
        return integer(node, key, fallback, min, max, "");
    }

    private static int integer(ObjectNode node, String key, int fallback, int min, int max, String prefix) {
        JsonNode value = node.get(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw new ConfigException(prefix + key, "must be a whole number from " + min + " to " + max);
        }
        return value.intValue();
    }

    private static String text(JsonNode node, String key) {
        if (node == null || !node.isTextual()) {
            throw new ConfigException(key, "must be a string");
        }
        return node.textValue();
    }

    private static String nonEmpty(String value, String key) {
        if (value.isEmpty()) {
            throw new ConfigException(key, "must not be empty");
        }
        return value;
    }

    /** For fronts that add keys of their own: the keys this parser knows at the top level. */
    public static Set<String> topLevelKeys() {
        return TOP_LEVEL_KEYS;
    }

}

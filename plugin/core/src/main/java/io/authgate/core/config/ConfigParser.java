package io.authgate.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authgate.core.headers.ClaimHeaders;
import io.authgate.core.revocation.redis.RedisSettings;
import io.authgate.core.revocation.redis.RedisSettingsParser;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

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
            "mode", "policy", "jwks", "token_cache_max_bytes", "token_cache_max_entries", "resolver", "live",
            "claims_to_headers", RevocationSettings.KEY,
            // Read by the fronts (BrowserSettings.parse), beside the route's mode.
            BrowserSettings.CORS_KEY, BrowserSettings.LOGIN_KEY);

    private static final Set<String> POLICY_KEYS = Set.of(
            "allow_anonymous", "require_verified", "roles_any", "roles_all", "scopes_all", "amr_any", "max_auth_age_seconds");

    private static final Set<String> JWKS_KEYS = Set.of(
            "ttl_seconds", "min_ttl_seconds", "max_ttl_seconds", "stale_if_error_seconds",
            "unknown_kid_min_interval_seconds", "fetch_timeout_ms", "wait_timeout_ms");

    private static final Set<String> RESOLVER_KEYS = Set.of(
            "url", "timeout_ms", "cache_ttl_seconds", "negative_cache_ttl_seconds", "cache_max_bytes", "max_entries",
            "max_concurrent_calls", "max_queued_calls", "on_error");

    private static final Set<String> REVOCATION_KEYS = Set.of("webhook_secret", "max_token_lifetime_seconds", "max_entries", "redis");

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
        return parse(readJson(json));
    }

    /**
     * Reads a route value's JSON as {@link #parseJson} does (strict: no duplicate keys, nothing
     * after the value), for a front that reads keys of its own from the same value.
     */
    public static JsonNode readJson(String json) {
        if (json == null || json.isBlank()) {
            throw new ConfigException("authgear_endpoint", "is required (the configuration is empty)");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException("(document)", JsonSyntaxError.describe(e));
        }
        return tree;
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
        return parse(ConfigSection.root(tree, "must be an object"), maxHeap, Set.of(), null);
    }

    /**
     * Parses the core's keys of a front's document.
     *
     * @param frontKeys the keys the front reads itself, known beside the core's
     * @param endpoint  the Authgear origin when the front supplies it (the adapter's development
     *                  issuer), else {@code null}: then {@code authgear_endpoint} is read
     */
    public static AuthgateConfig parse(ConfigSection root, long maxHeap, Set<String> frontKeys, String endpoint) {
        Set<String> known = new HashSet<>(TOP_LEVEL_KEYS);
        known.addAll(frontKeys);
        root.allowOnly(known);

        String issuer = endpoint != null ? endpoint : originUri(root, "authgear_endpoint").toString();
        URI jwksUri = root.get("jwks_uri").map(v -> fetchableUri(v, root.key("jwks_uri"))).orElse(null);
        Set<String> audiences = root.get("audience").map(v -> audiences(v, root.key("audience"))).orElse(Set.of(issuer));
        Duration skew = Duration.ofSeconds(root.integer("clock_skew_seconds", 0, 0, 300));
        Set<String> algorithms = root.get("algorithms").map(v -> algorithms(v, root.key("algorithms"))).orElse(Set.of("RS256"));
        String cookiePrefix = root.get("cookie_prefix").map(v -> cookiePrefix(v, root.key("cookie_prefix"))).orElse("");
        JwksSettings jwks = root.has("jwks") ? jwksSettings(root.section("jwks", "must be an object")) : JwksSettings.DEFAULTS;
        long tokenCacheMax = cacheBudget(root, "token_cache_max_bytes", "token_cache_max_entries",
                MemoryBudgets.tokenCacheDefault(maxHeap), MemoryBudgets.TOKEN_ENTRY_BYTES, 0);
        Optional<ResolverSettings> resolver = resolverSettings(root, issuer, maxHeap);
        requireRoomInHeap(root, tokenCacheMax, resolver, maxHeap);
        RouteSettings route = route(root, Mode.RESOLVE, false, ClaimHeaders.NONE, resolver);
        RevocationSettings revocation = root.has(RevocationSettings.KEY)
                ? revocationSettings(root.section(RevocationSettings.KEY, "must be an object")) : RevocationSettings.DEFAULTS;

        return new AuthgateConfig(issuer, jwksUri, audiences, skew, algorithms, cookiePrefix, route.mode(), route.policy(), jwks,
                tokenCacheMax, resolver, route.live(), route.claimHeaders(), revocation);
    }

    /**
     * What one route of a front sets for itself ({@code mode}, {@code policy}, {@code live},
     * {@code claims_to_headers}), checked once against the configuration it refines: mode, live and
     * the claim headers are inherited when not set (a route's own {@code claims_to_headers} replaces
     * the inherited one, {@code {}} clears it), the policy never is (a route states its own).
     */
    public static RouteSettings route(ConfigSection route, AuthgateConfig defaults) {
        return route(route, defaults.mode(), defaults.live(), defaults.claimHeaders(), defaults.resolver());
    }

    private static RouteSettings route(ConfigSection s, Mode defaultMode, boolean defaultLive, ClaimHeaders defaultClaims,
                                       Optional<ResolverSettings> resolver) {
        Mode mode = s.get("mode").map(v -> mode(v, s.key("mode"))).orElse(defaultMode);
        Policy policy = s.has("policy") ? policy(s.section("policy", "must be an object"), mode) : Policy.DEFAULT;
        boolean live = s.get("live").map(v -> liveFlag(v, s.key("live"), resolver)).orElse(defaultLive);
        ClaimHeaders claims = s.has("claims_to_headers")
                ? ClaimHeadersConfig.parse(s.section("claims_to_headers", "must be an object of header name: claim name"))
                : defaultClaims;
        return new RouteSettings(mode, policy, live, claims);
    }

    private static RevocationSettings revocationSettings(ConfigSection r) {
        r.allowOnly(REVOCATION_KEYS);
        Optional<WebhookSecret> secret = r.get("webhook_secret")
                .map(v -> WebhookSecret.of(v.isTextual() ? v.textValue() : null, r.key("webhook_secret")));
        Optional<Duration> lifetime = r.has("max_token_lifetime_seconds")
                ? Optional.of(Duration.ofSeconds(r.integer("max_token_lifetime_seconds", RevocationSettings.DEFAULT_LIFETIME_SECONDS,
                        RevocationSettings.MIN_LIFETIME_SECONDS, RevocationSettings.MAX_LIFETIME_SECONDS)))
                : Optional.empty();
        OptionalInt maxEntries = r.has("max_entries")
                ? OptionalInt.of(r.integer("max_entries", RevocationSettings.DEFAULT_MAX_ENTRIES, 1, RevocationSettings.MAX_MAX_ENTRIES))
                : OptionalInt.empty();
        Duration maxLifetime = lifetime.orElse(Duration.ofSeconds(RevocationSettings.DEFAULT_LIFETIME_SECONDS));
        Optional<RedisSettings> redis = r.has("redis")
                ? Optional.of(redisSettings(r.section("redis", "must be an object (uri, stream, ...)"), maxLifetime)) : Optional.empty();
        return new RevocationSettings(secret, lifetime, maxEntries, redis);
    }

    /**
     * The stream the project's nodes share. Its retention is how far back a node started late reads,
     * so it may not be shorter than the watermarks' lifetime: the node would forget revocations whose
     * tokens are still valid.
     */
    private static RedisSettings redisSettings(ConfigSection redis, Duration maxTokenLifetime) {
        RedisSettings settings = RedisSettingsParser.parse(redis, maxTokenLifetime);
        if (settings.retention().compareTo(maxTokenLifetime) < 0) {
            throw new ConfigException(redis.key("retention_seconds"), "must be at least revocation.max_token_lifetime_seconds ("
                    + maxTokenLifetime.toSeconds() + "): a node started late reads back only this far and would forget revocations still in force");
        }
        return settings;
    }

    /** An Authgear origin: scheme, host and optional port, nothing else. */
    private static URI originUri(ConfigSection root, String name) {
        String key = root.key(name);
        JsonNode node = root.get(name).filter(v -> !v.isNull()).orElseThrow(
                () -> new ConfigException(key, "is required (the Authgear origin, e.g. https://myapp.authgear.cloud)"));
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

    private static Set<String> audiences(JsonNode node, String key) {
        Set<String> out = new LinkedHashSet<>();
        if (node.isTextual()) {
            out.add(nonEmpty(node.textValue(), key));
        } else if (node.isArray() && !node.isEmpty()) {
            for (JsonNode item : node) {
                out.add(nonEmpty(text(item, key + "[]"), key + "[]"));
            }
        } else {
            throw new ConfigException(key, "must be a string or a non-empty list of strings");
        }
        return out;
    }

    private static Set<String> algorithms(JsonNode node, String key) {
        if (!node.isArray() || node.isEmpty()) {
            throw new ConfigException(key, "must be a non-empty list, e.g. [\"RS256\"]");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode item : node) {
            String alg = text(item, key + "[]");
            if (!SUPPORTED_ALGORITHMS.contains(alg)) {
                String why = alg.equalsIgnoreCase("none") || alg.toUpperCase(Locale.ROOT).startsWith("HS")
                        ? " (unsigned and HMAC algorithms are never accepted: a public key must never verify a MAC)"
                        : "";
                throw new ConfigException(key, "\"" + alg + "\" is not allowed" + why
                        + "; allowed: " + String.join(", ", SUPPORTED_ALGORITHMS.stream().sorted().toList()));
            }
            out.add(alg);
        }
        return out;
    }

    private static String cookiePrefix(JsonNode node, String key) {
        String prefix = text(node, key);
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            // RFC 6265 cookie-name is a token: no separators, controls or spaces.
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new ConfigException(key, "may only hold cookie-name characters (RFC 6265 token)");
            }
        }
        return prefix;
    }

    private static Mode mode(JsonNode node, String key) {
        String value = text(node, key);
        for (Mode mode : Mode.values()) {
            if (mode.configName().equals(value)) {
                return mode;
            }
        }
        throw new ConfigException(key, "\"" + value + "\" is not a known mode (known: resolve, enforce)");
    }

    private static Policy policy(ConfigSection p, Mode mode) {
        if (mode != Mode.ENFORCE) {
            // A policy that would silently not apply is worse than none: say so.
            throw new ConfigException(p.path(), "applies only with mode: enforce (mode is " + mode.configName() + ")");
        }
        p.allowOnly(POLICY_KEYS);
        boolean allowAnonymous = p.flag("allow_anonymous");
        boolean requireVerified = p.flag("require_verified");
        if (allowAnonymous && requireVerified) {
            throw new ConfigException(p.key("allow_anonymous"), "contradicts " + p.key("require_verified")
                    + ": an anonymous user is never verified");
        }
        Set<String> rolesAny = names(p, "roles_any");
        Set<String> rolesAll = names(p, "roles_all");
        Duration maxAge = p.has("max_auth_age_seconds")
                ? Duration.ofSeconds(p.integer("max_auth_age_seconds", 0, 1, 366 * 86400)) : null;
        return new Policy(allowAnonymous, requireVerified, rolesAny, rolesAll, names(p, "scopes_all"), names(p, "amr_any"), maxAge);
    }

    private static Set<String> names(ConfigSection section, String name) {
        String key = section.key(name);
        JsonNode value = section.get(name).orElse(null);
        if (value == null) {
            return Set.of();
        }
        if (!value.isArray() || value.isEmpty()) {
            throw new ConfigException(key, "must be a non-empty list of strings");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode item : value) {
            out.add(nonEmpty(text(item, key + "[]"), key + "[]"));
        }
        return out;
    }

    private static JwksSettings jwksSettings(ConfigSection jwks) {
        jwks.allowOnly(JWKS_KEYS);
        JwksSettings d = JwksSettings.DEFAULTS;
        Duration ttl = seconds(jwks, "ttl_seconds", d.defaultTtl(), 1, 7 * 86400);
        Duration min = seconds(jwks, "min_ttl_seconds", d.minTtl(), 1, 7 * 86400);
        Duration max = seconds(jwks, "max_ttl_seconds", d.maxTtl(), 1, 7 * 86400);
        if (min.compareTo(max) > 0) {
            throw new ConfigException(jwks.key("min_ttl_seconds"), "must not exceed " + jwks.key("max_ttl_seconds"));
        }
        Duration stale = seconds(jwks, "stale_if_error_seconds", d.staleIfError(), 0, 7 * 86400);
        Duration unknownKid = seconds(jwks, "unknown_kid_min_interval_seconds", d.unknownKidMinInterval(), 1, 86400);
        Duration fetchTimeout = Duration.ofMillis(jwks.integer("fetch_timeout_ms", (int) d.fetchTimeout().toMillis(), 1, 60_000));
        Duration waitTimeout = Duration.ofMillis(jwks.integer("wait_timeout_ms", (int) d.waitTimeout().toMillis(), 0, 60_000));
        return new JwksSettings(ttl, min, max, stale, unknownKid, fetchTimeout, waitTimeout);
    }

    /** Absent or {@code true}: the defaults; {@code false}: remote resolution off; an object: settings. */
    private static Optional<ResolverSettings> resolverSettings(ConfigSection root, String issuer, long maxHeap) {
        ResolverSettings d = ResolverSettings.defaultsFor(issuer, maxHeap);
        JsonNode node = root.get("resolver").orElse(null);
        if (node == null) {
            return Optional.of(d);
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? Optional.of(d) : Optional.empty();
        }
        ConfigSection r = ConfigSection.at(root.key("resolver"), node, "must be an object (url, timeout_ms, cache_ttl_seconds,"
                + " negative_cache_ttl_seconds, cache_max_bytes, max_concurrent_calls, max_queued_calls, on_error) or false to turn"
                + " remote resolution off");
        r.allowOnly(RESOLVER_KEYS);
        URI url = r.get("url").map(v -> fetchableUri(v, r.key("url"))).orElse(d.url());
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new ConfigException(r.key("url"), "must not carry a query or fragment");
        }
        Duration timeout = Duration.ofMillis(r.integer("timeout_ms", (int) d.timeout().toMillis(), 1, 60_000));
        Duration ttl = Duration.ofSeconds(r.integer("cache_ttl_seconds", (int) d.cacheTtl().toSeconds(), 0, 86_400));
        Duration negativeTtl = Duration.ofSeconds(r.integer("negative_cache_ttl_seconds", (int) d.negativeCacheTtl().toSeconds(), 0, 3_600));
        long cacheMaxBytes = cacheBudget(r, "cache_max_bytes", "max_entries", d.cacheMaxBytes(),
                MemoryBudgets.RESOLVER_ENTRY_BYTES, MIN_CACHE_BYTES);
        int maxCalls = r.integer("max_concurrent_calls", d.maxConcurrentCalls(), 1, 100_000);
        int maxQueued = r.integer("max_queued_calls", d.maxQueuedCalls(), 0, 100_000);
        OnError onError = r.get("on_error").map(v -> onError(v, r.key("on_error"))).orElse(d.onError());
        return Optional.of(new ResolverSettings(url, d.authgearHost(), timeout, ttl, negativeTtl, cacheMaxBytes, maxCalls, maxQueued, onError));
    }

    private static OnError onError(JsonNode node, String key) {
        String value = text(node, key);
        for (OnError e : OnError.values()) {
            if (e.configName().equals(value)) {
                return e;
            }
        }
        throw new ConfigException(key, "\"" + value + "\" is not known (known: deny, no_session)");
    }

    /**
     * A cache's budget in bytes: {@code bytesKey} as a whole number of bytes or with a binary unit
     * ({@code "64MiB"}), or the older count-based {@code countKey}, read as that many ordinary entries
     * and never above the default (so that a count set for a bigger heap cannot outgrow this one).
     *
     * @param min the smallest budget besides 0; 0 itself is allowed only when {@code min} is 0
     */
    private static long cacheBudget(ConfigSection section, String bytesName, String countName, long fallback, long bytesPerEntry,
                                    long min) {
        String bytesKey = section.key(bytesName);
        if (section.has(bytesName) && section.has(countName)) {
            throw new ConfigException(section.key(countName), "is the older, count-based form of " + bytesKey
                    + ": set only " + bytesKey);
        }
        if (section.has(countName)) {
            int entries = section.integer(countName, 0, min == 0 ? 0 : 1, 10_000_000);
            return Math.min(fallback, entries * bytesPerEntry);
        }
        JsonNode value = section.get(bytesName).orElse(null);
        if (value == null) {
            return fallback;
        }
        long bytes = ByteSizes.parse(value);
        boolean off = bytes == 0 && min == 0;
        if (!off && (bytes < Math.max(min, MIN_CACHE_BYTES) || bytes > MAX_CACHE_BYTES)) {
            throw new ConfigException(bytesKey, "must be " + (min == 0 ? "0 (no cache) or " : "")
                    + "from 64 KiB to 64 GiB: a whole number of bytes, or one with a unit (KiB, MiB, GiB) such as \"64MiB\"");
        }
        return bytes;
    }

    /**
     * The caches may take at most half the heap together; the rest is for everything else. The
     * defaults always fit (3/8 of the heap at most), so a failure names a budget that was set.
     */
    private static void requireRoomInHeap(ConfigSection root, long tokenCacheBytes, Optional<ResolverSettings> resolver, long maxHeap) {
        long resolverBytes = resolver.map(ResolverSettings::cacheMaxBytes).orElse(0L);
        if (tokenCacheBytes + resolverBytes <= maxHeap / 2) {
            return;
        }
        boolean resolverBytesSet = root.get("resolver").map(r -> r.has("cache_max_bytes")).orElse(false);
        String key = root.has("token_cache_max_bytes") ? root.key("token_cache_max_bytes")
                : root.has("token_cache_max_entries") ? root.key("token_cache_max_entries")
                : root.key(resolverBytesSet ? "resolver.cache_max_bytes" : "resolver.max_entries");
        throw new ConfigException(key, "the verified-token cache (" + ByteSizes.describe(tokenCacheBytes)
                + ") and the resolver cache (" + ByteSizes.describe(resolverBytes) + ") may take at most half of this JVM's max heap ("
                + ByteSizes.describe(maxHeap) + "): lower them, or give the JVM more heap (-Xmx)");
    }

    /** The one place "live needs the resolver" is checked, for the top level and for each route. */
    private static boolean liveFlag(JsonNode node, String key, Optional<ResolverSettings> resolver) {
        if (!node.isBoolean()) {
            throw new ConfigException(key, "must be true or false");
        }
        if (node.booleanValue() && resolver.isEmpty()) {
            throw new ConfigException(key, "needs Authgear's resolver, which resolver: false turns off");
        }
        return node.booleanValue();
    }

    private static Duration seconds(ConfigSection section, String name, Duration fallback, int min, int max) {
        return Duration.ofSeconds(section.integer(name, (int) fallback.toSeconds(), min, max));
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

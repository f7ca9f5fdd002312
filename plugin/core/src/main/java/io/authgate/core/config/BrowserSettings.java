package io.authgate.core.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a route does for browsers in enforce mode (issue 15 items 3 and 4), each off by default and
 * each a route's own (a rule does not inherit the top level's, like {@code policy}):
 * {@code allow_cors_preflight: true} lets a CORS preflight through without a session, and
 * {@code login_redirect: {url, allowed_origins, parameter}} sends a page navigation without a session
 * to the login page instead of a 401. Read and checked once, by {@link #parse}. Immutable.
 *
 * @param allowCorsPreflight whether a credential-less preflight passes ({@code io.authgate.core.browser.Preflight})
 * @param loginRedirect      where navigations without a session go; empty: they get the 401 like APIs
 */
public record BrowserSettings(boolean allowCorsPreflight, Optional<LoginRedirect> loginRedirect) {
    public static final String CORS_KEY = "allow_cors_preflight";
    public static final String LOGIN_KEY = "login_redirect";
    public static final BrowserSettings NONE = new BrowserSettings(false, Optional.empty());
    private static final Set<String> LOGIN_KEYS = Set.of("url", "allowed_origins", "parameter");

    /**
     * @param url            the login page, absolute http(s), no fragment; the original URL is added
     *                       as the query parameter {@code parameter}
     * @param allowedOrigins the origins ({@code scheme://host[:port]}, lower case, default ports
     *                       omitted) an original URL may have; any other is never put in a Location
     * @param parameter      the query parameter's name ({@code redirect_uri} by default)
     */
    public record LoginRedirect(URI url, Set<String> allowedOrigins, String parameter) {
        public LoginRedirect {
            allowedOrigins = Set.copyOf(allowedOrigins);
        }
    }

    /** @param mode the route's mode: both options apply only in enforce mode, and say so if set otherwise */
    public static BrowserSettings parse(ConfigSection route, Mode mode) {
        boolean cors = route.flag(CORS_KEY);
        Optional<LoginRedirect> login = route.has(LOGIN_KEY)
                ? Optional.of(login(route.section(LOGIN_KEY, "must be an object with url and allowed_origins")))
                : Optional.empty();
        if ((cors || login.isPresent()) && mode != Mode.ENFORCE) {
            String key = route.key(cors ? CORS_KEY : LOGIN_KEY);
            throw new ConfigException(key, "applies only with mode: enforce (mode is " + mode.configName() + ")");
        }
        return cors || login.isPresent() ? new BrowserSettings(cors, login) : NONE;
    }

    private static LoginRedirect login(ConfigSection s) {
        s.allowOnly(LOGIN_KEYS);
        URI url = loginUrl(s.get("url").orElse(null), s.key("url"));
        JsonNode list = s.get("allowed_origins").orElse(null);
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new ConfigException(s.key("allowed_origins"), "must be a non-empty list of origins such as https://app.example.com"
                    + " (only URLs on these go into the login URL: no open redirect)");
        }
        Set<String> origins = new LinkedHashSet<>();
        for (JsonNode o : list) {
            origins.add(origin(o, s.key("allowed_origins") + "[]"));
        }
        String parameter = "redirect_uri";
        if (s.has("parameter")) {
            JsonNode p = s.get("parameter").get();
            if (!p.isTextual() || !p.textValue().matches("[A-Za-z0-9_.~-]{1,64}")) {
                throw new ConfigException(s.key("parameter"), "must be a query parameter name of 1-64 letters, digits, _ . ~ -");
            }
            parameter = p.textValue();
        }
        return new LoginRedirect(url, origins, parameter);
    }

    private static URI loginUrl(JsonNode node, String key) {
        URI uri = absolute(node, key, "the login page, e.g. https://auth.example.com/login");
        if (uri.getRawFragment() != null) {
            throw new ConfigException(key, "must not have a fragment: the original URL is added as a query parameter");
        }
        return uri;
    }

    private static String origin(JsonNode node, String key) {
        URI uri = absolute(node, key, "an origin, e.g. https://app.example.com");
        if (!(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new ConfigException(key, "must be an origin (scheme://host[:port]) with no path, query or user (got \"" + node.asText() + "\")");
        }
        return originOf(uri.getScheme(), uri.getHost(), uri.getPort());
    }

    /** {@code scheme://host[:port]} in lower case, without the scheme's default port: how origins compare. */
    public static String originOf(String scheme, String host, int port) {
        String s = scheme.toLowerCase(Locale.ROOT);
        boolean defaultPort = port < 0 || (s.equals("https") && port == 443) || (s.equals("http") && port == 80);
        return s + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private static URI absolute(JsonNode node, String key, String what) {
        if (node == null || !node.isTextual()) {
            throw new ConfigException(key, "must be a string: " + what);
        }
        try {
            URI uri = new URI(node.textValue());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                throw new ConfigException(key, "must be an absolute http or https URL: " + what + " (got \"" + node.textValue() + "\")");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "is not a valid URL: " + e.getReason() + " (got \"" + node.textValue() + "\")");
        }
    }
}

package io.authgate.forwardauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.authgate.testkit.HeaderBytes;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A replay of Traefik v3's ForwardAuth algorithm in Java, towards a real auth server: <b>not
 * Traefik</b>, which cannot run here. Every step follows traefik/traefik v3.7.9 (Go 1.26's
 * {@code net/http} rules for header names), and the unit tests in
 * {@code TraefikForwardAuthReplayTest} are Traefik's own {@code forward_test.go} cases:
 *
 * <ol>
 *   <li>The entry point, when there is one ({@code pkg/server/server_entrypoint_tcp.go},
 *       {@code pkg/middlewares/forwardedheaders/forwarded_header.go}): Go's server stores header
 *       names in canonical form ({@code x_authgear_user_id} becomes {@code X_authgear_user_id}, a
 *       header of its own); {@code http.underscoreHeadersStrategy}; then {@code forwardedHeaders}:
 *       the client's {@code X-Forwarded-*} dropped unless {@code insecure}, Traefik's own written,
 *       headers named in {@code Connection} removed. Without an entry point the middlewares get the
 *       client's headers directly, as in Traefik's middleware unit tests.</li>
 *   <li>The router's middlewares in order: {@code headers} ({@code customRequestHeaders} only) and
 *       {@code forwardAuth} ({@code pkg/middlewares/auth/forward.go}): the auth request is GET
 *       (unless {@code preserveRequestMethod}) with no body, every header of the request minus those
 *       named in {@code Connection} and the hop-by-hop list (Connection, Keep-Alive, Te, Trailers,
 *       Transfer-Encoding, Upgrade: Proxy-Authorization and Proxy-Authenticate do go to the auth
 *       server), {@code X-Forwarded-*} per {@code trustForwardHeader}, filtered by
 *       {@code authRequestHeaders}; sent as Go's client sends it (redirects not followed, 30 s
 *       timeout, {@code Accept-Encoding: gzip} added, User-Agent rules); then on 2xx the
 *       {@code authResponseHeaders} and {@code authResponseHeadersRegex} copy-and-delete, otherwise
 *       the auth answer (status, headers minus hop-by-hop, Location, body) to the client.</li>
 * </ol>
 *
 * <p>Not modelled, and refused when configured (so a test cannot silently skip them): legacy mode
 * ({@code trustForwardHeader} unset), {@code forwardBody}, {@code addAuthCookiesToResponse},
 * {@code authSigninURL}, {@code tls}, entry point {@code trustedIPs}, {@code connection} and
 * middlewares, and any other middleware type. Not modelled at all: router rules (every request is
 * taken to match), path normalisation, and what Traefik's reverse proxy does after the chain
 * (hop-by-hop removal, its own {@code X-Forwarded-For}): {@link Result#upstream()} is the request the
 * chain hands to the service. The Go regular expression is compiled as a Java one and matched like
 * Go's {@code MatchString} (anywhere in the name); fine for the plain patterns used here.
 *
 * <p>Transport differences (java.net.http of JDK 17 is not Go's client), none of which the adapter
 * acts on: where Go sends no User-Agent, java.net.http sends its own; it sends
 * {@code Content-Length: 0} on every request, where Go does so only for POST, PUT and PATCH. Headers
 * java.net.http refuses (Expect) or silently drops (Proxy-Authorization, Proxy-Authenticate) fail
 * the replay instead of going missing: Traefik does pass the Proxy-* pair to the auth server.
 */
public final class TraefikForwardAuthReplay {
    /** What Go's client sends when the request has no User-Agent key at all. */
    public static final String GO_USER_AGENT = "Go-http-client/1.1";
    /** forward.go hopHeaders; oxy v2's {@code Trailers} constant really is "Trailers" (not "Trailer"). */
    static final List<String> HOP_HEADERS = List.of("Connection", "Keep-Alive", "Te", "Trailers", "Transfer-Encoding", "Upgrade");
    /** forwardedheaders.XHeadersSet. */
    static final List<String> X_HEADERS = List.of("X-Forwarded-Proto", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port",
            "X-Forwarded-Server", "X-Forwarded-Uri", "X-Forwarded-Method", "X-Forwarded-Prefix", "X-Forwarded-Tls-Client-Cert",
            "X-Forwarded-Tls-Client-Cert-Info", "X-Real-Ip");
    /** Headers Go's Request.write takes from elsewhere or never writes from Header (reqWriteExcludeHeader). */
    private static final Set<String> GO_WRITE_EXCLUDED = Set.of("Host", "User-Agent", "Content-Length", "Transfer-Encoding", "Trailer");
    /** Headers java.net.http leaves out of a request without a word (its proxy filter). */
    private static final Set<String> JAVA_DROPS = Set.of("Proxy-Authorization", "Proxy-Authenticate");
    private static final Duration AUTH_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // Go's client speaks HTTP/1.1 to an http:// address; no h2c upgrade headers
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final EntryPoint entryPoint;
    private final List<Middleware> chain;

    /** @param entryPoint null: the middlewares get the client's request directly (Traefik's unit tests do this) */
    public TraefikForwardAuthReplay(EntryPoint entryPoint, List<Middleware> chain) {
        this.entryPoint = entryPoint;
        this.chain = List.copyOf(chain);
    }

    // ---------------------------------------------------------------------------------------------
    // Configuration
    // ---------------------------------------------------------------------------------------------

    /**
     * An entry point's handling of request headers before routing.
     *
     * @param underscoreHeadersStrategy {@code keep} (Traefik's default), {@code delete} or {@code reject}
     * @param forwardedHeadersInsecure  {@code forwardedHeaders.insecure}: keep the client's X-Forwarded-*
     * @param hostname                  what Traefik writes in X-Forwarded-Server (os.Hostname())
     */
    public record EntryPoint(String underscoreHeadersStrategy, boolean forwardedHeadersInsecure, String hostname) {
        public EntryPoint {
            if (!Set.of("keep", "delete", "reject").contains(underscoreHeadersStrategy)) {
                throw new IllegalArgumentException("invalid underscoreHeadersStrategy value \"" + underscoreHeadersStrategy + "\"");
            }
        }

        /** Traefik's defaults: keep underscore headers, drop the client's X-Forwarded-*. */
        public static EntryPoint defaults() {
            return new EntryPoint("keep", false, "traefik");
        }

        public EntryPoint withUnderscoreHeadersStrategy(String strategy) {
            return new EntryPoint(strategy, forwardedHeadersInsecure, hostname);
        }

        public EntryPoint withForwardedHeadersInsecure(boolean insecure) {
            return new EntryPoint(underscoreHeadersStrategy, insecure, hostname);
        }
    }

    public sealed interface Middleware permits HeadersMiddleware, ForwardAuth {
    }

    /** The {@code headers} middleware's request part: "" deletes a header, Host sets the host, else set. */
    public record HeadersMiddleware(Map<String, String> customRequestHeaders) implements Middleware {
        public HeadersMiddleware {
            customRequestHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(customRequestHeaders));
            if (customRequestHeaders.keySet().stream().anyMatch(k -> GoHeader.canonical(k).equals("X-Forwarded-For"))) {
                throw new UnsupportedOperationException("customRequestHeaders X-Forwarded-For is special in Traefik and not replayed");
            }
        }
    }

    /**
     * The {@code forwardAuth} middleware's settings that concern the auth server.
     *
     * @param trustForwardHeader      must be set: unset selects Traefik's legacy oldWriteHeader, not replayed
     * @param authResponseHeadersRegex a Go regexp (RE2) compiled as a Java one; null for none
     * @param maxResponseBodySize     null for unbounded (Traefik's default, with a warning)
     */
    public record ForwardAuth(String address, Boolean trustForwardHeader, List<String> authResponseHeaders,
                              String authResponseHeadersRegex, List<String> authRequestHeaders, boolean preserveRequestMethod,
                              boolean preserveLocationHeader, Long maxResponseBodySize) implements Middleware {
        public ForwardAuth {
            Objects.requireNonNull(address, "address");
            if (trustForwardHeader == null) {
                throw new UnsupportedOperationException("trustForwardHeader unset selects Traefik's legacy oldWriteHeader"
                        + " (forward.go), which this replay does not model; set it explicitly");
            }
            authResponseHeaders = List.copyOf(authResponseHeaders);
            authRequestHeaders = List.copyOf(authRequestHeaders);
        }

        public static ForwardAuth of(String address, boolean trustForwardHeader) {
            return new ForwardAuth(address, trustForwardHeader, List.of(), null, List.of(), false, false, null);
        }

        public ForwardAuth withAddress(String newAddress) {
            return new ForwardAuth(newAddress, trustForwardHeader, authResponseHeaders, authResponseHeadersRegex, authRequestHeaders,
                    preserveRequestMethod, preserveLocationHeader, maxResponseBodySize);
        }

        public ForwardAuth withTrustForwardHeader(boolean trust) {
            return new ForwardAuth(address, trust, authResponseHeaders, authResponseHeadersRegex, authRequestHeaders,
                    preserveRequestMethod, preserveLocationHeader, maxResponseBodySize);
        }

        public ForwardAuth withAuthResponseHeaders(List<String> names) {
            return new ForwardAuth(address, trustForwardHeader, names, authResponseHeadersRegex, authRequestHeaders,
                    preserveRequestMethod, preserveLocationHeader, maxResponseBodySize);
        }

        public ForwardAuth withAuthResponseHeadersRegex(String regex) {
            return new ForwardAuth(address, trustForwardHeader, authResponseHeaders, regex, authRequestHeaders,
                    preserveRequestMethod, preserveLocationHeader, maxResponseBodySize);
        }

        public ForwardAuth withAuthRequestHeaders(List<String> names) {
            return new ForwardAuth(address, trustForwardHeader, authResponseHeaders, authResponseHeadersRegex, names,
                    preserveRequestMethod, preserveLocationHeader, maxResponseBodySize);
        }

        public ForwardAuth withPreserveRequestMethod(boolean preserve) {
            return new ForwardAuth(address, trustForwardHeader, authResponseHeaders, authResponseHeadersRegex, authRequestHeaders,
                    preserve, preserveLocationHeader, maxResponseBodySize);
        }

        public ForwardAuth withPreserveLocationHeader(boolean preserve) {
            return new ForwardAuth(address, trustForwardHeader, authResponseHeaders, authResponseHeadersRegex, authRequestHeaders,
                    preserveRequestMethod, preserve, maxResponseBodySize);
        }

        public ForwardAuth withMaxResponseBodySize(Long max) {
            return new ForwardAuth(address, trustForwardHeader, authResponseHeaders, authResponseHeadersRegex, authRequestHeaders,
                    preserveRequestMethod, preserveLocationHeader, max);
        }

        /** NewForward: with trustForwardHeader and a non-empty authRequestHeaders, the X-headers are allowed too. */
        List<String> effectiveAuthRequestHeaders() {
            if (trustForwardHeader && !authRequestHeaders.isEmpty()) {
                List<String> out = new ArrayList<>(authRequestHeaders);
                out.addAll(X_HEADERS);
                return out;
            }
            return authRequestHeaders;
        }

        Pattern regex() {
            return authResponseHeadersRegex == null || authResponseHeadersRegex.isEmpty() ? null : Pattern.compile(authResponseHeadersRegex);
        }
    }

    /**
     * The shipped configuration: the entry point from the static file, and the router's middleware
     * chain from the dynamic file, in order. Anything the replay does not model fails here.
     */
    public static TraefikForwardAuthReplay fromConfig(Path staticYml, Path dynamicYml, String entryPointName, String routerName)
            throws IOException {
        JsonNode staticRoot = YAML.readTree(staticYml.toFile());
        JsonNode dynamicRoot = YAML.readTree(dynamicYml.toFile());

        JsonNode ep = staticRoot.path("entryPoints").path(entryPointName);
        if (!ep.isObject()) {
            throw new IllegalArgumentException("no entry point " + entryPointName + " in " + staticYml);
        }
        JsonNode fh = ep.path("forwardedHeaders");
        refuseNonEmpty(fh.path("trustedIPs"), "entryPoints." + entryPointName + ".forwardedHeaders.trustedIPs");
        refuseNonEmpty(fh.path("connection"), "entryPoints." + entryPointName + ".forwardedHeaders.connection");
        refuseNonEmpty(ep.path("http").path("middlewares"), "entryPoints." + entryPointName + ".http.middlewares");
        if (ep.has("proxyProtocol")) {
            throw new UnsupportedOperationException("entryPoints." + entryPointName + ".proxyProtocol is not replayed");
        }
        EntryPoint entryPoint = new EntryPoint(ep.path("http").path("underscoreHeadersStrategy").asText("keep"),
                fh.path("insecure").asBoolean(false), "traefik");

        JsonNode http = dynamicRoot.path("http");
        JsonNode router = http.path("routers").path(routerName);
        if (!router.isObject()) {
            throw new IllegalArgumentException("no router " + routerName + " in " + dynamicYml);
        }
        if (router.has("entryPoints")) {
            List<String> eps = new ArrayList<>();
            router.get("entryPoints").forEach(n -> eps.add(n.asText()));
            if (!eps.contains(entryPointName)) {
                throw new IllegalArgumentException("router " + routerName + " is not on entry point " + entryPointName);
            }
        }
        List<Middleware> chain = new ArrayList<>();
        for (JsonNode ref : router.path("middlewares")) {
            String name = ref.asText().replaceFirst("@file$", "");
            JsonNode mw = http.path("middlewares").path(name);
            if (!mw.isObject() || mw.size() != 1) {
                throw new IllegalArgumentException("middleware " + name + " must be defined in " + dynamicYml + " with exactly one type");
            }
            String type = mw.fieldNames().next();
            JsonNode body = mw.get(type);
            chain.add(switch (type) {
                case "headers" -> headersMiddleware(name, body);
                case "forwardAuth" -> forwardAuth(name, body);
                default -> throw new UnsupportedOperationException("middleware " + name + " of type " + type + " is not replayed");
            });
        }
        return new TraefikForwardAuthReplay(entryPoint, chain);
    }

    private static HeadersMiddleware headersMiddleware(String name, JsonNode body) {
        Map<String, String> custom = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("customRequestHeaders")) {
                throw new UnsupportedOperationException("middleware " + name + ": headers." + e.getKey() + " is not replayed");
            }
            e.getValue().fields().forEachRemaining(h -> custom.put(h.getKey(), h.getValue().asText()));
        }
        return new HeadersMiddleware(custom);
    }

    private static final Set<String> FORWARD_AUTH_KEYS = Set.of("address", "trustForwardHeader", "authResponseHeaders",
            "authResponseHeadersRegex", "authRequestHeaders", "preserveRequestMethod", "preserveLocationHeader",
            "maxResponseBodySize", "headerField", "forwardBody");

    private static ForwardAuth forwardAuth(String name, JsonNode body) {
        body.fieldNames().forEachRemaining(k -> {
            if (!FORWARD_AUTH_KEYS.contains(k)) {
                throw new UnsupportedOperationException("middleware " + name + ": forwardAuth." + k + " is not replayed");
            }
        });
        if (body.path("forwardBody").asBoolean(false)) {
            throw new UnsupportedOperationException("middleware " + name + ": forwardAuth.forwardBody is not replayed");
        }
        JsonNode trust = body.get("trustForwardHeader");
        return new ForwardAuth(body.path("address").asText(null),
                trust == null ? null : trust.asBoolean(),
                strings(body.path("authResponseHeaders")),
                body.has("authResponseHeadersRegex") ? body.get("authResponseHeadersRegex").asText() : null,
                strings(body.path("authRequestHeaders")),
                body.path("preserveRequestMethod").asBoolean(false),
                body.path("preserveLocationHeader").asBoolean(false),
                body.has("maxResponseBodySize") ? body.get("maxResponseBodySize").asLong() : null);
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void refuseNonEmpty(JsonNode node, String what) {
        if (!node.isMissingNode() && !node.isNull() && !(node.isArray() && node.isEmpty())) {
            throw new UnsupportedOperationException(what + " is not replayed");
        }
    }

    public EntryPoint entryPoint() {
        return entryPoint;
    }

    public List<Middleware> chain() {
        return chain;
    }

    /** The forwardAuth middleware of the chain (there must be exactly one). */
    public ForwardAuth forwardAuth() {
        List<ForwardAuth> found = chain.stream().filter(m -> m instanceof ForwardAuth).map(m -> (ForwardAuth) m).toList();
        if (found.size() != 1) {
            throw new IllegalStateException("the chain has " + found.size() + " forwardAuth middlewares");
        }
        return found.get(0);
    }

    /** The same replay with the forwardAuth middleware changed. */
    public TraefikForwardAuthReplay withForwardAuth(java.util.function.UnaryOperator<ForwardAuth> change) {
        List<Middleware> changed = new ArrayList<>();
        for (Middleware m : chain) {
            changed.add(m instanceof ForwardAuth fa ? change.apply(fa) : m);
        }
        return new TraefikForwardAuthReplay(entryPoint, changed);
    }

    /** The same replay with the auth address's scheme, host and port replaced (its path kept). */
    public TraefikForwardAuthReplay withAuthOrigin(String origin) {
        return withForwardAuth(fa -> {
            URI configured = URI.create(fa.address());
            String rest = configured.getRawPath() + (configured.getRawQuery() == null ? "" : "?" + configured.getRawQuery());
            return fa.withAddress(origin + rest);
        });
    }

    public TraefikForwardAuthReplay withEntryPoint(EntryPoint changed) {
        return new TraefikForwardAuthReplay(changed, chain);
    }

    // ---------------------------------------------------------------------------------------------
    // Requests and results
    // ---------------------------------------------------------------------------------------------

    /**
     * The request a client sends to Traefik.
     *
     * @param target     the request-target, path and query ({@code /api/orders?id=1}), as Go's
     *                   {@code req.URL.RequestURI()} gives it back (already normal)
     * @param host       the Host header (Go keeps it apart from the other headers)
     * @param remoteAddr the client's address, {@code ip:port}
     * @param headers    the client's other headers, in order, names as sent
     */
    public record ClientRequest(String method, String target, String host, boolean tls, String remoteAddr,
                                List<Map.Entry<String, String>> headers) {
        public ClientRequest {
            headers = List.copyOf(headers);
            if (headers.stream().anyMatch(h -> h.getKey().equalsIgnoreCase("Host"))) {
                throw new IllegalArgumentException("give the host as host, not as a header");
            }
            if (target.contains("#")) {
                throw new IllegalArgumentException("Traefik rejects a fragment in the request-target");
            }
        }

        public static ClientRequest get(String host, String target) {
            return new ClientRequest("GET", target, host, false, "203.0.113.7:41234", List.of());
        }

        public ClientRequest withMethod(String newMethod) {
            return new ClientRequest(newMethod, target, host, tls, remoteAddr, headers);
        }

        public ClientRequest withTls(boolean newTls) {
            return new ClientRequest(method, target, host, newTls, remoteAddr, headers);
        }

        public ClientRequest withHeader(String name, String value) {
            List<Map.Entry<String, String>> more = new ArrayList<>(headers);
            more.add(Map.entry(name, value));
            return new ClientRequest(method, target, host, tls, remoteAddr, more);
        }

        public ClientRequest withHeaders(List<Map.Entry<String, String>> more) {
            List<Map.Entry<String, String>> all = new ArrayList<>(headers);
            all.addAll(more);
            return new ClientRequest(method, target, host, tls, remoteAddr, all);
        }
    }

    /**
     * The auth request as Traefik built it.
     *
     * @param headers the forwardReq.Header map (canonical names), as forward_test.go inspects it
     * @param wire    the header lines Go's client writes for it (Host aside), in Go's order (sorted)
     */
    public record AuthRequest(String method, URI uri, Map<String, List<String>> headers, List<Map.Entry<String, String>> wire) {
    }

    /** The auth server's answer, names canonical as Go's client stores them. */
    public record AuthResponse(int status, Map<String, List<String>> headers, byte[] body) {
    }

    /** What Traefik writes to the client when the request does not go on. */
    public record ClientResponse(int status, Map<String, List<String>> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public List<String> header(String name) {
            return headers.getOrDefault(GoHeader.canonical(name), List.of());
        }
    }

    /**
     * One replayed request: either it reached the service ({@code upstream} set: the request's
     * headers, canonical names, as the middleware chain hands them on) or the client got
     * {@code response}. {@code authRequest}/{@code authResponse} are null when no auth request was made.
     */
    public record Result(AuthRequest authRequest, AuthResponse authResponse, Map<String, List<String>> upstream,
                         ClientResponse response) {
        public boolean reachedUpstream() {
            return upstream != null;
        }

        /**
         * The upstream request's headers named like x-authgear-* in any spelling, lower-case name to
         * values, each value the UTF-8 text of its bytes (held here one char per byte, as
         * java.net.http reads them and as Go holds a header value: bytes, which Go writes unchanged).
         */
        public Map<String, List<String>> identityHeadersAtUpstream() {
            if (upstream == null) {
                throw new AssertionError("the request did not reach the upstream; the client got " + response.status() + " "
                        + response.bodyText());
            }
            Map<String, List<String>> out = new java.util.TreeMap<>();
            upstream.forEach((k, v) -> {
                if (IDENTITY_NAME.matcher(k).find()) {
                    out.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>())
                            .addAll(v.stream().map(HeaderBytes::utf8Text).toList());
                }
            });
            return out;
        }
    }

    /** Any spelling of x-authgear-*, as a backend that maps '-' and '_' alike would read it. */
    static final Pattern IDENTITY_NAME = Pattern.compile("(?i)^x[-_]authgear[-_]");

    // ---------------------------------------------------------------------------------------------
    // The replay
    // ---------------------------------------------------------------------------------------------

    public Result replay(ClientRequest client) throws IOException, InterruptedException {
        GoHeader header = GoHeader.fromWire(client.headers());
        if (entryPoint != null) {
            ClientResponse rejected = entryPoint(header, client);
            if (rejected != null) {
                return new Result(null, null, null, rejected);
            }
        }
        AuthRequest authRequest = null;
        AuthResponse authResponse = null;
        String host = client.host();
        for (Middleware m : chain) {
            if (m instanceof HeadersMiddleware hm) {
                host = applyHeaders(hm, header, host);
            } else {
                ForwardAuth fa = (ForwardAuth) m;
                ClientRequest current = new ClientRequest(client.method(), client.target(), host, client.tls(), client.remoteAddr(), List.of());
                authRequest = buildAuthRequest(fa, current, header);
                authResponse = send(authRequest);
                ClientResponse stop = applyAuthResponse(fa, authRequest, authResponse, header);
                if (stop != null) {
                    return new Result(authRequest, authResponse, null, stop);
                }
            }
        }
        return new Result(authRequest, authResponse, header.snapshot(), null);
    }

    /** The entry point's steps in the order the wrapped handlers run; a response when it answers itself. */
    private ClientResponse entryPoint(GoHeader h, ClientRequest client) {
        // server_entrypoint_tcp.go: the underscore handler is the outermost wrapper.
        switch (entryPoint.underscoreHeadersStrategy()) {
            case "delete" -> h.keys().stream().filter(k -> k.contains("_")).toList().forEach(h::deleteRaw);
            case "reject" -> {
                if (h.keys().stream().anyMatch(k -> k.contains("_"))) {
                    return httpError(400, "Bad Request");
                }
            }
            default -> {
            }
        }
        // forwarded_header.go ServeHTTP: drop, rewrite, removeConnectionHeaders.
        if (!entryPoint.forwardedHeadersInsecure()) {
            deleteXForwardedHeaders(h);
        }
        String clientIp = splitHost(client.remoteAddr());
        if (clientIp != null) {
            int zone = clientIp.indexOf('%');
            if (zone >= 0) {
                clientIp = clientIp.substring(0, zone);
            }
            if (h.get("X-Real-Ip").isEmpty()) {
                h.set("X-Real-Ip", clientIp);
            }
        }
        if (h.get("X-Forwarded-Proto").isEmpty()) {
            boolean websocket = tokenListContains(h.get("Connection"), "upgrade") && tokenListContains(h.get("Upgrade"), "websocket");
            h.set("X-Forwarded-Proto", websocket ? (client.tls() ? "wss" : "ws") : (client.tls() ? "https" : "http"));
        }
        if (h.get("X-Forwarded-Port").isEmpty()) {
            h.set("X-Forwarded-Port", forwardedPort(client.host(), h.get("X-Forwarded-Proto"), client.tls()));
        }
        if (h.get("X-Forwarded-Host").isEmpty() && !client.host().isEmpty()) {
            h.set("X-Forwarded-Host", client.host());
        }
        List<String> xffs = h.values("X-Forwarded-For");
        if (!xffs.isEmpty()) {
            h.set("X-Forwarded-For", String.join(", ", xffs));
        }
        if (!entryPoint.hostname().isEmpty()) {
            h.set("X-Forwarded-Server", entryPoint.hostname());
        }
        String upgradeType = headerValuesContainToken(h.values("Connection"), "Upgrade") ? h.get("Upgrade") : "";
        for (String f : new ArrayList<>(h.values("Connection"))) {
            for (String sf : f.split(",", -1)) {
                sf = trimString(sf);
                if (!sf.isEmpty()) {
                    String key = GoHeader.canonical(sf);
                    if (isManagedXHeader(key)) {
                        continue; // the Connection header cannot remove Traefik's X-headers
                    }
                    h.deleteRaw(key);
                }
            }
        }
        if (!upgradeType.isEmpty()) {
            h.set("Upgrade", upgradeType);
            h.set("Connection", "Upgrade");
        } else {
            h.deleteRaw("Connection");
        }
        return null;
    }

    /** headers.go modifyCustomRequestHeaders; returns the (possibly changed) host. */
    private static String applyHeaders(HeadersMiddleware hm, GoHeader h, String host) {
        for (Map.Entry<String, String> e : hm.customRequestHeaders().entrySet()) {
            if (e.getValue().isEmpty()) {
                h.del(e.getKey());
            } else if (e.getKey().equalsIgnoreCase("Host")) {
                host = e.getValue();
            } else {
                h.set(e.getKey(), e.getValue());
            }
        }
        return host;
    }

    /** forward.go ServeHTTP up to the client call: method, then writeHeader. */
    static AuthRequest buildAuthRequest(ForwardAuth fa, ClientRequest req, GoHeader reqHeader) {
        String method = fa.preserveRequestMethod() ? req.method() : "GET";
        GoHeader fwd = writeHeader(req, reqHeader, fa.trustForwardHeader(), fa.effectiveAuthRequestHeaders());
        return new AuthRequest(method, URI.create(fa.address()), fwd.snapshot(), goWire(method, fwd));
    }

    /** forward.go writeHeader (trustForwardHeader set). */
    static GoHeader writeHeader(ClientRequest req, GoHeader reqHeader, boolean trustForwardHeader, List<String> allowedHeaders) {
        GoHeader fwd = new GoHeader();
        reqHeader.forEachRaw(fwd::appendRaw); // utils.CopyHeaders

        removeConnectionHeaders(fwd);
        HOP_HEADERS.forEach(fwd::del);

        if (!trustForwardHeader) {
            deleteXForwardedHeaders(fwd);
        }
        if (!reqHeader.hasRaw("User-Agent")) {
            // No User-Agent from the client: do not let Go's client send its default one.
            fwd.set("User-Agent", "");
        }
        fwd = filterForwardRequestHeaders(fwd, allowedHeaders);

        String clientIp = splitHost(req.remoteAddr());
        if (clientIp != null) {
            if (fwd.hasRaw("X-Forwarded-For")) {
                clientIp = String.join(", ", fwd.values("X-Forwarded-For")) + ", " + clientIp;
            }
            fwd.set("X-Forwarded-For", clientIp);
        }
        if (!fwd.hasRaw("X-Forwarded-Method")) {
            fwd.set("X-Forwarded-Method", req.method());
        }
        if (!fwd.hasRaw("X-Forwarded-Proto")) {
            fwd.set("X-Forwarded-Proto", req.tls() ? "https" : "http");
        }
        if (!fwd.hasRaw("X-Forwarded-Port")) {
            fwd.set("X-Forwarded-Port", forwardedPort(req.host(), fwd.get("X-Forwarded-Proto"), req.tls()));
        }
        if (!fwd.hasRaw("X-Forwarded-Host")) {
            fwd.set("X-Forwarded-Host", req.host());
        }
        if (!fwd.hasRaw("X-Forwarded-Uri")) {
            fwd.set("X-Forwarded-Uri", req.target());
        }
        return fwd;
    }

    /** connectionheader.go RemoveConnectionHeaders, on the auth request. */
    private static void removeConnectionHeaders(GoHeader h) {
        String upgradeType = headerValuesContainToken(h.values("Connection"), "Upgrade") ? h.get("Upgrade") : "";
        for (String f : new ArrayList<>(h.values("Connection"))) {
            for (String sf : f.split(",", -1)) {
                sf = trimString(sf);
                if (!sf.isEmpty()) {
                    h.del(sf);
                }
            }
        }
        if (!upgradeType.isEmpty()) {
            h.set("Connection", "Upgrade");
            h.set("Upgrade", upgradeType);
        } else {
            h.del("Connection");
        }
    }

    private static GoHeader filterForwardRequestHeaders(GoHeader h, List<String> allowed) {
        if (allowed.isEmpty()) {
            return h;
        }
        GoHeader filtered = new GoHeader();
        for (String name : allowed) {
            List<String> values = h.values(name);
            if (!values.isEmpty()) {
                filtered.putRaw(GoHeader.canonical(name), values);
            }
        }
        return filtered;
    }

    /** forwardedheaders.DeleteXForwardedHeaders: the X-headers and their underscore spellings. */
    static void deleteXForwardedHeaders(GoHeader h) {
        h.keys().stream().filter(TraefikForwardAuthReplay::isManagedXHeader).toList().forEach(h::deleteRaw);
    }

    static boolean isManagedXHeader(String key) {
        if (key.isEmpty() || key.charAt(0) != 'X') {
            return false;
        }
        if (X_HEADERS.contains(key)) {
            return true;
        }
        return key.indexOf('_') >= 0 && X_HEADERS.contains(GoHeader.canonical(key.replace('_', '-')));
    }

    /** forward.go forwardedPort (the entry point's is the same with the request's own X-Forwarded-Proto). */
    private static String forwardedPort(String host, String forwardedProto, boolean tls) {
        String[] hp = splitHostPort(host);
        if (hp != null && !hp[1].isEmpty()) {
            return hp[1];
        }
        if (forwardedProto.equals("https") || forwardedProto.equals("wss") || tls) {
            return "443";
        }
        return "80";
    }

    /** The header lines Go's Request.write and Transport put on the wire for this header map, Host aside. */
    static List<Map.Entry<String, String>> goWire(String method, GoHeader fwd) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        String userAgent = fwd.hasRaw("User-Agent") ? fwd.get("User-Agent") : GO_USER_AGENT;
        if (!userAgent.isEmpty()) {
            out.add(Map.entry("User-Agent", userAgent));
        }
        fwd.keys().stream().sorted().forEach(k -> {
            if (!GO_WRITE_EXCLUDED.contains(k)) {
                for (String v : fwd.values(k)) {
                    out.add(Map.entry(k, trimString(v.replace('\n', ' ').replace('\r', ' '))));
                }
            }
        });
        // transfer.go shouldSendContentLength: a body-less POST, PUT or PATCH still says "0".
        if (Set.of("POST", "PUT", "PATCH").contains(method)) {
            out.add(Map.entry("Content-Length", "0"));
        }
        // transport.go: ask for gzip unless the caller chose an encoding or a range (not for HEAD).
        if (fwd.get("Accept-Encoding").isEmpty() && fwd.get("Range").isEmpty() && !method.equals("HEAD")) {
            out.add(Map.entry("Accept-Encoding", "gzip"));
        }
        return out;
    }

    /** fa.client.Do(forwardReq), with java.net.http: no redirects followed, 30 s timeout, no body. */
    static AuthResponse send(AuthRequest request) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(AUTH_TIMEOUT)
                .method(request.method(), HttpRequest.BodyPublishers.noBody());
        for (Map.Entry<String, String> h : request.wire()) {
            if (h.getKey().equals("Content-Length")) {
                continue; // java.net.http writes its own (always 0 here)
            }
            if (JAVA_DROPS.contains(h.getKey())) {
                throw new UnsupportedOperationException("java.net.http silently drops " + h.getKey()
                        + ", which Traefik would pass to the auth server: not replayable");
            }
            try {
                b.header(h.getKey(), h.getValue());
            } catch (IllegalArgumentException e) {
                throw new UnsupportedOperationException("java.net.http cannot send the header " + h.getKey()
                        + ", which Traefik would pass to the auth server: not replayable", e);
            }
        }
        HttpResponse<byte[]> response = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        GoHeader headers = new GoHeader();
        response.headers().map().forEach((name, values) -> values.forEach(v -> headers.add(name, v)));
        return new AuthResponse(response.statusCode(), headers.snapshot(), response.body());
    }

    /**
     * forward.go ServeHTTP after the client call: a response for the client, or null when the
     * request goes on (its header changed in place).
     */
    static ClientResponse applyAuthResponse(ForwardAuth fa, AuthRequest authRequest, AuthResponse auth, GoHeader req) {
        if (fa.maxResponseBodySize() != null && fa.maxResponseBodySize() >= 0 && auth.body().length > fa.maxResponseBodySize()) {
            return new ClientResponse(401, Map.of(), new byte[0]); // errResponseBodyTooLarge
        }
        GoHeader authHeader = GoHeader.of(auth.headers());
        if (auth.status() < 200 || auth.status() >= 300) {
            GoHeader out = new GoHeader();
            authHeader.forEachRaw(out::appendRaw);
            HOP_HEADERS.forEach(out::del);
            String location = authHeader.get("Location");
            if (!location.isEmpty()) {
                try {
                    URI parsed = new URI(location);
                    // Response.Location() resolves against the auth request's URL; preserveLocationHeader keeps it as sent.
                    URI resolved = fa.preserveLocationHeader() ? parsed : authRequest.uri().resolve(parsed);
                    out.set("Location", resolved.toString());
                } catch (URISyntaxException e) {
                    return new ClientResponse(500, Map.of(), new byte[0]);
                }
            }
            return new ClientResponse(auth.status(), out.snapshot(), auth.body());
        }
        for (String name : fa.authResponseHeaders()) {
            String key = GoHeader.canonical(name);
            req.deleteRaw(key);
            if (!authHeader.values(key).isEmpty()) {
                req.putRaw(key, authHeader.values(key));
            }
        }
        Pattern regex = fa.regex();
        if (regex != null) {
            req.keys().stream().filter(k -> regex.matcher(k).find()).toList().forEach(req::deleteRaw);
            authHeader.forEachRaw((k, v) -> {
                if (regex.matcher(k).find()) {
                    req.putRaw(k, v);
                }
            });
        }
        return null;
    }

    private static ClientResponse httpError(int status, String text) {
        GoHeader h = new GoHeader();
        h.set("Content-Type", "text/plain; charset=utf-8");
        h.set("X-Content-Type-Options", "nosniff");
        return new ClientResponse(status, h.snapshot(), (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------
    // Go's net/http helpers
    // ---------------------------------------------------------------------------------------------

    /** net.SplitHostPort's host, or null when it fails (no port, too many colons). */
    private static String splitHost(String hostPort) {
        String[] hp = splitHostPort(hostPort);
        return hp == null ? null : hp[0];
    }

    private static String[] splitHostPort(String hostPort) {
        if (hostPort == null) {
            return null;
        }
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            if (end < 0 || end + 1 >= hostPort.length() || hostPort.charAt(end + 1) != ':') {
                return null;
            }
            return new String[] {hostPort.substring(1, end), hostPort.substring(end + 2)};
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || hostPort.indexOf(':') != colon) {
            return null;
        }
        return new String[] {hostPort.substring(0, colon), hostPort.substring(colon + 1)};
    }

    /** httpguts.HeaderValuesContainsToken. */
    private static boolean headerValuesContainToken(List<String> values, String token) {
        return values.stream().anyMatch(v -> tokenListContains(v, token));
    }

    private static boolean tokenListContains(String value, String token) {
        for (String part : value.split(",", -1)) {
            if (part.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** textproto.TrimString: ASCII white space at both ends. */
    private static String trimString(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && " \t\n\r".indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && " \t\n\r".indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    /**
     * Go's {@code http.Header}: canonical names to values, in insertion order here (Go's map has
     * none; nothing in the replay depends on order except the copy of values, which is kept).
     */
    static final class GoHeader {
        private final LinkedHashMap<String, List<String>> map = new LinkedHashMap<>();

        /** What Go's server makes of the header lines it reads: canonical names, values in order. */
        static GoHeader fromWire(List<Map.Entry<String, String>> lines) {
            GoHeader h = new GoHeader();
            for (Map.Entry<String, String> line : lines) {
                if (!validName(line.getKey())) {
                    throw new IllegalArgumentException("Go's server answers 400 to the header name \"" + line.getKey() + "\"");
                }
                h.add(line.getKey(), line.getValue());
            }
            return h;
        }

        static GoHeader of(Map<String, List<String>> snapshot) {
            GoHeader h = new GoHeader();
            snapshot.forEach(h::putRaw);
            return h;
        }

        /** textproto.CanonicalMIMEHeaderKey: unchanged unless every byte is a token byte. */
        static String canonical(String name) {
            if (!validName(name)) {
                return name;
            }
            StringBuilder out = new StringBuilder(name.length());
            boolean upper = true;
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (upper && c >= 'a' && c <= 'z') {
                    c = (char) (c - ('a' - 'A'));
                } else if (!upper && c >= 'A' && c <= 'Z') {
                    c = (char) (c + ('a' - 'A'));
                }
                out.append(c);
                upper = c == '-';
            }
            return out.toString();
        }

        private static boolean validName(String name) {
            if (name.isEmpty()) {
                return false;
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                boolean token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
                if (!token) {
                    return false;
                }
            }
            return true;
        }

        void add(String name, String value) {
            map.computeIfAbsent(canonical(name), k -> new ArrayList<>()).add(value);
        }

        void set(String name, String value) {
            map.put(canonical(name), new ArrayList<>(List.of(value)));
        }

        /** Header.Get: the first value, or "". */
        String get(String name) {
            List<String> v = map.get(canonical(name));
            return v == null || v.isEmpty() ? "" : v.get(0);
        }

        List<String> values(String name) {
            List<String> v = map.get(canonical(name));
            return v == null ? List.of() : Collections.unmodifiableList(v);
        }

        /** Header.Del (canonicalises). */
        void del(String name) {
            map.remove(canonical(name));
        }

        /** delete(h, key). */
        void deleteRaw(String key) {
            map.remove(key);
        }

        /** {@code _, ok := h[key]}. */
        boolean hasRaw(String key) {
            return map.containsKey(key);
        }

        /** {@code h[key] = append([]string(nil), values...)}. */
        void putRaw(String key, List<String> values) {
            map.put(key, new ArrayList<>(values));
        }

        /** {@code dst[k] = append(dst[k], vv...)}. */
        void appendRaw(String key, List<String> values) {
            map.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values);
        }

        List<String> keys() {
            return new ArrayList<>(map.keySet());
        }

        void forEachRaw(java.util.function.BiConsumer<String, List<String>> action) {
            new LinkedHashMap<>(map).forEach((k, v) -> action.accept(k, List.copyOf(v)));
        }

        Map<String, List<String>> snapshot() {
            Map<String, List<String>> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, List.copyOf(v)));
            return Collections.unmodifiableMap(out);
        }

        @Override
        public String toString() {
            return map.toString();
        }
    }
}

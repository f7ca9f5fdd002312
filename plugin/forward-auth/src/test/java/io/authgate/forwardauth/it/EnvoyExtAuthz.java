package io.authgate.forwardauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What Envoy does with one client request under {@code envoy-conf/envoy.yaml}, up to the request it
 * hands its router: <b>not Envoy</b>, which cannot run here, but a stand-in that reads its settings
 * from the shipped file (so a change there changes what is tested) and refuses a shape of that file
 * it does not model. The check request it sends the adapter is the one Envoy's ext_authz HTTP
 * service sends, read from Envoy's source:
 *
 * <ul>
 *   <li>HTTP connection manager, HTTP/1 codec: header names lower-cased; more than
 *       {@code max_headers_count} header lines, or more than {@code max_request_headers_kb} of them,
 *       is a 431 before any filter ({@code http_connection_manager.proto}, {@code protocol.proto});
 *       {@code headers_with_underscores_action: DROP_HEADER} drops every name with {@code _}.</li>
 *   <li>The connection manager removes Connection, Upgrade, Keep-Alive, Proxy-Connection and
 *       Transfer-Encoding, and removes no header a Connection token names
 *       ({@code conn_manager_utility.cc}, {@code mutateRequestHeaders}).</li>
 *   <li>{@code header_mutation}: each {@code remove_on_match} with an ignore_case prefix or exact
 *       key matcher removes every matching request header ({@code mutation_rules.proto}).</li>
 *   <li>ext_authz, {@code source/extensions/filters/common/ext_authz/check_request_utils.cc}
 *       ({@code setHttpRequest}): the request's headers that match {@code allowed_headers}, where
 *       for an HTTP service Host, Method, Path, Content-Length and Authorization always match
 *       ({@code ext_authz.proto}, {@code ExtAuthz.allowed_headers}); repeated headers merged into one
 *       value joined by {@code ","}. {@code ext_authz_http_impl.cc} ({@code RawHttpClientImpl::check}):
 *       {@code content-length: 0}, no body, the path under {@code path_prefix}, the original method
 *       and {@code :authority} (Host). Envoy's async client ({@code source/common/http/async_client_impl.cc},
 *       {@code AsyncStreamImpl::sendHeaders}) adds {@code x-envoy-internal: true} and appends Envoy's
 *       own address to {@code x-forwarded-for}.</li>
 *   <li>The answer ({@code RawHttpClientImpl::toResponse}): a 5xx (or no answer) is an error,
 *       answered with {@code status_on_error} and no body; exactly 200 allows, and every header of
 *       the answer matching {@code allowed_upstream_headers} is set on the request (replacing one of
 *       the same name); any other status is a denial passed to the client with the answer's headers
 *       (all but Host, {@code allowed_client_headers} being unset) and body.</li>
 * </ul>
 *
 * <p>Not modelled: routing (every request takes the one route), path normalisation (the tests send
 * normalised paths), what the router and the HTTP/1 codec do after the filters, trace headers.
 */
public final class EnvoyExtAuthz {
    public static final Path CONFIG = GatewayProcess.REPO_ROOT.resolve("envoy-conf/envoy.yaml");
    /** Always sent to an HTTP authorization server besides allowed_headers (ext_authz.proto). */
    private static final Set<String> ALWAYS_SENT = Set.of("authorization");
    /**
     * What the connection manager removes from every request before the filters
     * (source/common/http/conn_manager_utility.cc, mutateRequestHeaders; Upgrade is kept only for
     * an upgrade, which the tests do not make).
     */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "upgrade", "keep-alive", "proxy-connection",
            "transfer-encoding", "x-envoy-internal");
    /** Envoy's own address on the check request's x-forwarded-for (the tests' loopback). */
    private static final String ENVOY_ADDRESS = "127.0.0.1";

    private final String pathPrefix;
    private final Set<String> allowedHeaders;
    private final Set<String> upstreamHeaders;
    /** The request header names (lower case) header_mutation removes. */
    private final Predicate<String> removed;
    private final int maxHeadersCount;
    private final int maxRequestHeadersBytes;
    private final int statusOnError;

    private EnvoyExtAuthz(String pathPrefix, Set<String> allowedHeaders, Set<String> upstreamHeaders, Predicate<String> removed,
                          int maxHeadersCount, int maxRequestHeadersBytes, int statusOnError) {
        this.pathPrefix = pathPrefix;
        this.allowedHeaders = allowedHeaders;
        this.upstreamHeaders = upstreamHeaders;
        this.removed = removed;
        this.maxHeadersCount = maxHeadersCount;
        this.maxRequestHeadersBytes = maxRequestHeadersBytes;
        this.statusOnError = statusOnError;
    }

    /** The settings of envoy-conf/envoy.yaml; a shape this stand-in does not model fails. */
    public static EnvoyExtAuthz shipped() throws IOException {
        return shippedWith(List.of());
    }

    /**
     * The settings of envoy-conf/envoy.yaml with each {@code from} (found exactly once) replaced by
     * its {@code to}, in order, as a user edits the file.
     */
    public static EnvoyExtAuthz shippedWith(List<Map.Entry<String, String>> edits) throws IOException {
        String text = Files.readString(CONFIG);
        for (Map.Entry<String, String> edit : edits) {
            int at = text.indexOf(edit.getKey());
            require(at >= 0 && text.indexOf(edit.getKey(), at + 1) < 0, "an edit whose text occurs once: " + edit.getKey());
            text = text.substring(0, at) + edit.getValue() + text.substring(at + edit.getKey().length());
        }
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(text);
        JsonNode hcm = only(only(only(root.path("static_resources").path("listeners"), "listeners").path("filter_chains"),
                "filter_chains").path("filters"), "network filters").path("typed_config");
        JsonNode options = hcm.path("common_http_protocol_options");
        require(options.path("headers_with_underscores_action").asText().equals("DROP_HEADER"),
                "headers_with_underscores_action must be DROP_HEADER (the one modelled)");
        JsonNode filters = hcm.path("http_filters");
        require(filters.size() == 3, "three http filters: header_mutation, ext_authz, router");
        JsonNode mutations = filters.get(0).path("typed_config").path("mutations").path("request_mutations");
        require(mutations.isArray() && !mutations.isEmpty(), "request_mutations");
        Predicate<String> removed = name -> false;
        for (JsonNode mutation : mutations) {
            JsonNode keyMatcher = mutation.path("remove_on_match").path("key_matcher");
            require(keyMatcher.path("ignore_case").asBoolean() && keyMatcher.size() == 2
                    && (keyMatcher.has("prefix") || keyMatcher.has("exact")), "remove_on_match with an ignore_case prefix or exact");
            String prefix = keyMatcher.path("prefix").asText("").toLowerCase(Locale.ROOT);
            String exact = keyMatcher.path("exact").asText("").toLowerCase(Locale.ROOT);
            removed = removed.or(keyMatcher.has("prefix") ? name -> name.startsWith(prefix) : name -> name.equals(exact));
        }
        JsonNode authz = filters.get(1).path("typed_config");
        require(!authz.path("failure_mode_allow").asBoolean(true), "failure_mode_allow: false");
        JsonNode http = authz.path("http_service");
        return new EnvoyExtAuthz(
                http.path("path_prefix").asText(),
                exactNames(authz.path("allowed_headers")),
                exactNames(http.path("authorization_response").path("allowed_upstream_headers")),
                removed,
                options.path("max_headers_count").asInt(100),
                hcm.path("max_request_headers_kb").asInt(60) * 1024,
                statusCode(authz.path("status_on_error").path("code").asText("Forbidden")));
    }

    public String pathPrefix() {
        return pathPrefix;
    }

    /** What came of one client request: the client's answer, and what the router got if it went on. */
    public record Outcome(int status, Map<String, List<String>> clientHeaders, String clientBody,
                          List<Map.Entry<String, String>> upstream, RawHttp.Response checkAnswer) {
        public boolean reachedUpstream() {
            return status == 200 && checkAnswer != null && checkAnswer.status() == 200;
        }

        /** Every header at the upstream whose name contains "authgear", by name. */
        public Map<String, List<String>> identityAtUpstream() {
            Map<String, List<String>> out = new java.util.TreeMap<>();
            upstream.forEach(h -> {
                if (h.getKey().contains("authgear")) {
                    out.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue());
                }
            });
            return out;
        }
    }

    /**
     * One request as a client sends it to Envoy ({@code headers} in order, Host among them),
     * decided by the adapter on {@code adapterPort}.
     */
    public Outcome handle(String method, String path, List<Map.Entry<String, String>> headers, int adapterPort) throws IOException {
        // The HTTP/1 codec (source/common/http/http1/codec_impl.cc, completeLastHeader and
        // checkMaxHeadersSize): names lower-cased; an underscore name dropped before it is counted;
        // more than max_headers_count lines, or more than max_request_headers_kb of URL, names and
        // values, is a 431.
        List<Map.Entry<String, String>> kept = new ArrayList<>();
        int bytes = path.length();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!name.contains("_")) {
                kept.add(Map.entry(name, h.getValue().strip()));
                bytes += name.length() + h.getValue().strip().length();
            }
            if (kept.size() > maxHeadersCount || bytes > maxRequestHeadersBytes) {
                return new Outcome(431, Map.of(), "", List.of(), null);
            }
        }
        String host = kept.stream().filter(h -> h.getKey().equals("host")).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("an HTTP/1.1 request has a Host"));
        // The connection manager removes the hop-by-hop headers (and acts on no other Connection
        // token), then header_mutation the client's x-authgear-*.
        List<Map.Entry<String, String>> request = new ArrayList<>();
        for (Map.Entry<String, String> h : kept) {
            if (!removed.test(h.getKey()) && !h.getKey().equals("host") && !HOP_BY_HOP.contains(h.getKey())) {
                request.add(h);
            }
        }

        RawHttp.Response answer;
        try {
            answer = RawHttp.exchange(adapterPort, checkRequest(method, path, host, request));
        } catch (IOException e) { // connection refused, reset or no answer in time: an error
            return new Outcome(statusOnError, Map.of(), "", List.of(), null);
        }
        if (answer.status() >= 500) {
            return new Outcome(statusOnError, Map.of(), "", List.of(), answer);
        }
        if (answer.status() != 200) {
            Map<String, List<String>> toClient = new LinkedHashMap<>();
            answer.headers().forEach(h -> {
                if (!h.getKey().equalsIgnoreCase("host")) {
                    toClient.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
                }
            });
            return new Outcome(answer.status(), toClient, answer.bodyText(), List.of(), answer);
        }
        List<Map.Entry<String, String>> upstream = new ArrayList<>(request);
        for (Map.Entry<String, String> h : answer.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (upstreamHeaders.contains(name)) {
                upstream.removeIf(e -> e.getKey().equals(name));
                upstream.add(Map.entry(name, h.getValue()));
            }
        }
        return new Outcome(200, Map.of(), "", List.copyOf(upstream), answer);
    }

    /** The bytes of the check request, as Envoy's HTTP/1 codec writes it. */
    String checkRequest(String method, String path, String host, List<Map.Entry<String, String>> request) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : request) {
            if (ALWAYS_SENT.contains(h.getKey()) || allowedHeaders.contains(h.getKey())) {
                merged.merge(h.getKey(), h.getValue(), (a, b) -> a + "," + b);
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(method).append(' ').append(pathPrefix).append(path).append(" HTTP/1.1\r\n");
        b.append("host: ").append(host).append("\r\n");
        b.append("content-length: 0\r\n");
        merged.forEach((name, value) -> b.append(name).append(": ").append(value).append("\r\n"));
        b.append("x-envoy-internal: true\r\n");
        b.append("x-forwarded-for: ").append(ENVOY_ADDRESS).append("\r\n");
        return b.append("\r\n").toString();
    }

    private static Set<String> exactNames(JsonNode listStringMatcher) {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode p : listStringMatcher.path("patterns")) {
            require(p.size() == 1 && p.has("exact"), "string matchers are {exact: name} here, got " + p);
            names.add(p.get("exact").asText());
        }
        require(!names.isEmpty(), "a list of header names");
        return Set.copyOf(names);
    }

    /** The envoy.type.v3.StatusCode names this file may use. */
    private static int statusCode(String name) {
        Integer code = Map.of("Forbidden", 403, "ServiceUnavailable", 503, "InternalServerError", 500, "BadGateway", 502).get(name);
        require(code != null, "status_on_error Forbidden, ServiceUnavailable, InternalServerError or BadGateway, got " + name);
        return code;
    }

    private static JsonNode only(JsonNode list, String what) {
        require(list.isArray() && list.size() == 1, "exactly one entry in " + what);
        return list.get(0);
    }

    private static void require(boolean holds, String what) {
        if (!holds) {
            throw new IllegalStateException(CONFIG + ": the Envoy stand-in models " + what);
        }
    }
}

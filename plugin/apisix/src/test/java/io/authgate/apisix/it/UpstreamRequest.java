package io.authgate.apisix.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The request the upstream receives after APISIX acted on an HTTPReqCall reply.
 *
 * <p>Modelled: the runner's REWRITE headers applied one by one with {@code core.request.set_header}, i.e.
 * nginx's {@code ngx.req.set_header}; the rewritten path; and {@code proxy_set_header Host $upstream_host}.
 * Not modelled: the other headers APISIX's nginx.conf sets on the way out (X-Forwarded-*, X-Real-IP, ...),
 * query argument rewrites, and nginx's special cases for a few built-in headers.
 *
 * <p>Values are text: the runner's FlatBuffers strings, decoded as UTF-8 by FlatBuffers' default
 * {@code Utf8Safe} (which refuses malformed bytes), and nginx sends those bytes on as they are. So
 * a value reads as the expected text only if the runner wrote it as UTF-8.
 *
 * @param path    the upstream path (the rewritten one, else the client's)
 * @param headers the header lines in order, names as nginx keeps them (the client's case for existing lines)
 */
public record UpstreamRequest(String path, List<NameValue> headers) {

    public UpstreamRequest {
        headers = List.copyOf(headers);
    }

    /** Empty for STOP (APISIX answers the client itself) and ERROR (APISIX answers 503). */
    public static Optional<UpstreamRequest> of(HttpRequestSpec request, ReqCallResult result) {
        return switch (result.action()) {
            case STOP, ERROR -> Optional.empty();
            case NONE -> Optional.of(new UpstreamRequest(request.path(),
                    withHost(request.headers(), request.upstreamHost())));
            case REWRITE -> Optional.of(rewritten(request, result));
        };
    }

    private static UpstreamRequest rewritten(HttpRequestSpec request, ReqCallResult result) {
        List<NameValue> headers = request.headers();
        String upstreamHost = request.upstreamHost();
        for (NameValue change : result.rewriteHeaders()) {
            headers = setHeader(headers, change.name(), change.value());
            // init.lua: a rewritten Host also becomes $upstream_host, which is what nginx proxies with
            if (change.name().toLowerCase(Locale.ROOT).equals("host")) {
                upstreamHost = change.value();
            }
        }
        String path = result.rewritePath() != null ? result.rewritePath() : request.path();
        return new UpstreamRequest(path, withHost(headers, upstreamHost));
    }

    /**
     * {@code ngx.req.set_header(name, value)}: names match case-insensitively byte by byte (so {@code _} and
     * {@code -} differ). The first matching line takes the value and keeps its own name; later matching lines
     * go. Without a match, a line is appended under the given name. A null or empty value removes every
     * matching line.
     */
    static List<NameValue> setHeader(List<NameValue> headers, String name, String value) {
        boolean remove = value == null || value.isEmpty();
        List<NameValue> result = new ArrayList<>();
        boolean matched = false;
        for (NameValue line : headers) {
            if (!sameHeaderName(line.name(), name)) {
                result.add(line);
            } else if (!remove && !matched) {
                result.add(NameValue.of(line.name(), value));
                matched = true;
            }
        }
        if (!remove && !matched) {
            result.add(NameValue.of(name, value));
        }
        return result;
    }

    /** nginx replaces the client's Host with {@code $upstream_host}; an empty variable sends no Host line. */
    private static List<NameValue> withHost(List<NameValue> headers, String upstreamHost) {
        List<NameValue> result = new ArrayList<>();
        if (upstreamHost != null && !upstreamHost.isEmpty()) {
            result.add(NameValue.of("Host", upstreamHost));
        }
        for (NameValue line : headers) {
            if (!sameHeaderName(line.name(), "host")) {
                result.add(line);
            }
        }
        return result;
    }

    /** Like nginx's {@code ngx_strncasecmp} on equal lengths: ASCII letters fold, nothing else does. */
    static boolean sameHeaderName(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (asciiLower(a.charAt(i)) != asciiLower(b.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** The header values by lower-cased name, names in order of first appearance, values in line order. */
    public Map<String, List<String>> byLowerName() {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (NameValue line : headers) {
            byName.computeIfAbsent(line.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(line.value());
        }
        return byName;
    }

    /** All values of one header, matched as nginx would. */
    public List<String> values(String name) {
        return headers.stream().filter(line -> sameHeaderName(line.name(), name)).map(NameValue::value).toList();
    }
}

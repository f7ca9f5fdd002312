package io.authgate.forwardauth;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

import java.util.List;

/**
 * The request the gateway is asking about: Envoy's request line under its path prefix, or else the
 * configured family of forwarded headers ({@link ForwardedHeaders}). Route rules match on it.
 *
 * @param host {@code null} when the source names no host
 */
public record ForwardedTarget(String method, String host, String path) {
    /** What a request that does not say which request it is yields: no rule can be chosen for it. */
    static final ForwardedTarget UNDETERMINED = new ForwardedTarget(null, null, null);

    /**
     * @param envoyPathPrefix the prefix when {@code request} is under it (Envoy), else {@code null}
     * @return {@link #UNDETERMINED} when a header of the family is missing or sent more than once
     */
    static ForwardedTarget of(HttpRequest request, String envoyPathPrefix, ForwardedHeaders family) {
        HttpHeaders h = request.headers();
        if (envoyPathPrefix != null) {
            String uri = request.uri().substring(envoyPathPrefix.length());
            if (uri.isEmpty() || uri.charAt(0) != '/') {
                uri = "/" + uri;
            }
            return new ForwardedTarget(request.method().name(), h.get("host"), pathOf(uri));
        }
        String method = once(h, family.methodHeader);
        String uri = once(h, family.uriHeader);
        String host = family.hostHeader == null ? null : once(h, family.hostHeader);
        if (method == null || uri == null || (family.hostHeader != null && host == null)) {
            return UNDETERMINED;
        }
        return new ForwardedTarget(method, host, pathOf(uri));
    }

    boolean undetermined() {
        return this == UNDETERMINED;
    }

    /** The header's one value; {@code null} when it is absent or repeated. */
    private static String once(HttpHeaders h, String name) {
        List<String> values = h.getAll(name);
        return values.size() == 1 ? values.get(0) : null;
    }

    /** The path alone: no query, no fragment. */
    static String pathOf(String uri) {
        if (uri == null) {
            return null;
        }
        int end = uri.length();
        int q = uri.indexOf('?');
        if (q >= 0) {
            end = q;
        }
        int f = uri.indexOf('#');
        if (f >= 0 && f < end) {
            end = f;
        }
        return uri.substring(0, end);
    }
}

package io.authgate.forwardauth;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The request the gateway is asking about, as each gateway reports it: Traefik and Caddy in
 * {@code X-Forwarded-Method/-Uri/-Host/-Proto}; nginx by convention in
 * {@code X-Original-Method/-URI}; Envoy in the request line itself (with the path prefix removed).
 * Route policies match on it.
 */
public record ForwardedTarget(String method, String host, String path, String proto) {

    static ForwardedTarget of(HttpRequest request, String envoyPathPrefix) {
        HttpHeaders h = request.headers();
        String method = first(h.get("x-forwarded-method"), h.get("x-original-method"));
        String uri = first(h.get("x-forwarded-uri"), h.get("x-original-uri"));
        if (envoyPathPrefix != null && request.uri().startsWith(envoyPathPrefix)) {
            method = request.method().name();
            uri = request.uri().substring(envoyPathPrefix.length());
            if (uri.isEmpty() || uri.charAt(0) != '/') {
                uri = "/" + uri;
            }
        }
        String host = first(h.get("x-forwarded-host"), h.get("host"));
        return new ForwardedTarget(method, host, pathOf(uri), h.get("x-forwarded-proto"));
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

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}

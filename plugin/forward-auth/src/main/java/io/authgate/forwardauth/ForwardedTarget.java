package io.authgate.forwardauth;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

import java.util.List;

/**
 * The request the gateway is asking about: Envoy's request line under its path prefix, or else the
 * configured family of forwarded headers ({@link ForwardedHeaders}). Route rules match on it. Read
 * once per decision request ({@link DecisionRequests}), path normalized once, whatever the number of
 * rules tried.
 *
 * @param host           {@code null} when the source names no host
 * @param path           the raw path, as the gateway sent it (no query, no fragment)
 * @param normalizedPath {@link PathNormalizer#normalize}d {@code path}: what path rules match;
 *                       {@code null} when its escapes are not UTF-8, or when no rule reads paths
 *                       (then it is not computed)
 * @param ambiguous      {@link PathNormalizer#ambiguous}: backends may read {@code path} otherwise
 *                       than the rules (false when not computed)
 */
public record ForwardedTarget(String method, String host, String path, String normalizedPath, boolean ambiguous) {
    /** What a request that does not say which request it is yields: no rule can be chosen for it. */
    static final ForwardedTarget UNDETERMINED = new ForwardedTarget(null, null, null, null, false);

    /** A target with its path read for path rules. */
    public ForwardedTarget(String method, String host, String path) {
        this(method, host, path, path == null ? null : PathNormalizer.normalize(path), path != null && PathNormalizer.ambiguous(path));
    }

    /** {@link #read} with the path read, for a request under {@code envoyPathPrefix} when it is not null. */
    static ForwardedTarget of(HttpRequest request, String envoyPathPrefix, ForwardedHeaders family) {
        return read(request, pathOf(request.uri()), envoyPathPrefix, family, true);
    }

    /**
     * @param requestPath     {@code request}'s own path, already cut from its URI
     * @param envoyPathPrefix the prefix when {@code request} is under it (Envoy), else {@code null}
     * @param readPath        whether any rule looks at paths: only then is the path normalized
     * @return {@link #UNDETERMINED} when a header of the family is missing or sent more than once
     */
    static ForwardedTarget read(HttpRequest request, String requestPath, String envoyPathPrefix, ForwardedHeaders family,
                                boolean readPath) {
        HttpHeaders h = request.headers();
        if (envoyPathPrefix != null) {
            String path = requestPath.substring(envoyPathPrefix.length());
            if (path.isEmpty() || path.charAt(0) != '/') {
                path = "/" + path;
            }
            return target(request.method().name(), h.get("host"), path, readPath);
        }
        String method = once(h, family.methodHeader);
        String uri = once(h, family.uriHeader);
        String host = family.hostHeader == null ? null : once(h, family.hostHeader);
        if (method == null || uri == null || (family.hostHeader != null && host == null)) {
            return UNDETERMINED;
        }
        return target(method, host, pathOf(uri), readPath);
    }

    private static ForwardedTarget target(String method, String host, String path, boolean readPath) {
        return readPath ? new ForwardedTarget(method, host, path) : new ForwardedTarget(method, host, path, null, false);
    }

    boolean undetermined() {
        return this == UNDETERMINED;
    }

    /** The header's one value; {@code null} when it is absent or repeated. */
    static String once(HttpHeaders h, String name) {
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

package io.authgate.forwardauth;

import io.authgate.core.GatewayRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Reads Netty's request into a {@link DecisionRequest}, once per request: the path cut from the URI
 * once, Envoy's prefix judged once, the forwarded target read (and its path normalized) only when
 * some rule needs it.
 */
final class DecisionRequests {
    /** {@code null}: no Envoy prefix configured. */
    private final String envoyPathPrefix;
    private final ForwardedHeaders family;
    private final boolean readTargets;
    private final boolean readPaths;

    /**
     * @param readTargets whether any rule exists (else the forwarded headers are not even read)
     * @param readPaths   whether any rule looks at paths (else paths are not normalized)
     */
    DecisionRequests(String envoyPathPrefix, ForwardedHeaders family, boolean readTargets, boolean readPaths) {
        this.envoyPathPrefix = envoyPathPrefix;
        this.family = family;
        this.readTargets = readTargets;
        this.readPaths = readPaths;
    }

    /** For a router: what it needs read. */
    DecisionRequests(String envoyPathPrefix, ForwardedHeaders family, Router router) {
        this(envoyPathPrefix, family, router.readsTargets(), router.readsPaths());
    }

    DecisionRequest read(HttpRequest request) {
        String path = ForwardedTarget.pathOf(request.uri());
        boolean envoy = isUnderEnvoyPrefix(path);
        ForwardedTarget target = readTargets
                ? ForwardedTarget.read(request, path, envoy ? envoyPathPrefix : null, family, readPaths)
                : ForwardedTarget.UNDETERMINED;
        GatewayRequest credentials = new GatewayRequest(
                request.headers().get(HttpHeaderNames.AUTHORIZATION), request.headers().getAll(HttpHeaderNames.COOKIE));
        return new DecisionRequest(path, envoy, request.method().name(), target, credentials);
    }

    /** The prefix itself, or the prefix then "/": "/ext_authz" must not also claim "/ext_authzfoo". */
    private boolean isUnderEnvoyPrefix(String path) {
        if (envoyPathPrefix == null || !path.startsWith(envoyPathPrefix)) {
            return false;
        }
        return path.length() == envoyPathPrefix.length() || envoyPathPrefix.endsWith("/")
                || path.charAt(envoyPathPrefix.length()) == '/';
    }
}

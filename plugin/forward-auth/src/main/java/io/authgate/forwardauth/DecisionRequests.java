package io.authgate.forwardauth;

import io.authgate.core.BrowserAnswers;
import io.authgate.core.BrowserRequest;
import io.authgate.core.GatewayRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Reads Netty's request into a {@link DecisionRequest}, once per request: the path cut from the URI
 * once, Envoy's prefix judged once, the forwarded target read (and its path normalized) only when
 * some rule needs it.
 */
final class DecisionRequests {
    /** What a request yields when no route reads browser headers: nothing, so no browser feature applies. */
    static final BrowserRequest UNREAD_BROWSER = new BrowserRequest(null, null, null, null, null, null, null, null, null);
    /** The decision request's query by which the shipped nginx config asks for a login redirect as a 401 with Location. */
    static final String REDIRECT_AS_401_QUERY = "login_redirect=401";
    /** {@code null}: no Envoy prefix configured. */
    private final String envoyPathPrefix;
    private final ForwardedHeaders family;
    private final boolean readTargets;
    private final boolean readPaths;
    private final boolean readBrowsers;

    /**
     * @param readTargets whether any rule exists (else the forwarded headers are not even read)
     * @param readPaths   whether any rule looks at paths (else paths are not normalized)
     */
    DecisionRequests(String envoyPathPrefix, ForwardedHeaders family, boolean readTargets, boolean readPaths) {
        this(envoyPathPrefix, family, readTargets, readPaths, false);
    }

    /** @param readBrowsers whether any route has a browser feature on (else no browser header is read) */
    DecisionRequests(String envoyPathPrefix, ForwardedHeaders family, boolean readTargets, boolean readPaths, boolean readBrowsers) {
        this.readBrowsers = readBrowsers;
        this.envoyPathPrefix = envoyPathPrefix;
        this.family = family;
        this.readTargets = readTargets;
        this.readPaths = readPaths;
    }

    /** For a router: what it needs read. */
    DecisionRequests(String envoyPathPrefix, ForwardedHeaders family, Router router) {
        this(envoyPathPrefix, family, router.readsTargets(), router.readsPaths(), router.readsBrowsers());
    }

    DecisionRequest read(HttpRequest request) {
        String path = ForwardedTarget.pathOf(request.uri());
        boolean envoy = isUnderEnvoyPrefix(path);
        ForwardedTarget target = readTargets
                ? ForwardedTarget.read(request, path, envoy ? envoyPathPrefix : null, family, readPaths)
                : ForwardedTarget.UNDETERMINED;
        GatewayRequest credentials = new GatewayRequest(
                request.headers().get(HttpHeaderNames.AUTHORIZATION), request.headers().getAll(HttpHeaderNames.COOKIE));
        if (!readBrowsers) {
            return new DecisionRequest(path, envoy, request.method().name(), target, credentials);
        }
        BrowserAnswers.RedirectStyle style = request.uri().endsWith("?" + REDIRECT_AS_401_QUERY)
                ? BrowserAnswers.RedirectStyle.UNAUTHORIZED_WITH_LOCATION : BrowserAnswers.RedirectStyle.FOUND;
        return new DecisionRequest(path, envoy, request.method().name(), target, credentials, browser(request, path, envoy), style);
    }

    /**
     * The browser's headers, and the request as the gateway says it: the family's method, URI and
     * host (for x-original, which names no host, X-Forwarded-Host: the shipped nginx config sets
     * both) and X-Forwarded-Proto, which Traefik, Caddy and the shipped nginx config write
     * themselves; for Envoy, the request line and Host. A value sent twice counts as absent.
     */
    private BrowserRequest browser(HttpRequest request, String path, boolean envoy) {
        HttpHeaders h = request.headers();
        String method;
        String uri;
        String host;
        if (envoy) {
            method = request.method().name();
            uri = request.uri().substring(envoyPathPrefix.length());
            host = ForwardedTarget.once(h, "host");
        } else {
            method = ForwardedTarget.once(h, family.methodHeader);
            uri = ForwardedTarget.once(h, family.uriHeader);
            host = ForwardedTarget.once(h, family.hostHeader == null ? "x-forwarded-host" : family.hostHeader);
        }
        return new BrowserRequest(method, ForwardedTarget.once(h, "origin"), ForwardedTarget.once(h, "access-control-request-method"),
                ForwardedTarget.once(h, "accept"), ForwardedTarget.once(h, "sec-fetch-mode"), ForwardedTarget.once(h, "x-requested-with"),
                ForwardedTarget.once(h, "x-forwarded-proto"), host, uri);
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

package io.authgate.forwardauth;

import io.authgate.core.headers.Header;
import io.authgate.core.Decision;

import java.util.List;

/**
 * Which headers of the decision request say what request the gateway is asking about: the trust
 * model of rule matching. A client can send any header, and most gateways pass a client's headers on
 * to the auth request, so only headers the gateway itself always writes (replacing the client's copy)
 * may choose a rule. One family is read, never a mix: a fallback to another family is exactly what
 * a client would use to choose the rule.
 *
 * <ul>
 *   <li>{@link #X_FORWARDED} (the default): {@code X-Forwarded-Method}, {@code -Uri} and {@code -Host}.
 *       Traefik's ForwardAuth sets all three itself with {@code trustForwardHeader: false}; Caddy's
 *       {@code forward_auth} sets the method and URI and its reverse proxy the host (replacing a
 *       client's, which it trusts only from {@code trusted_proxies}); the shipped nginx config sets
 *       all three in the auth location.</li>
 *   <li>{@link #X_ORIGINAL}: {@code X-Original-Method} and {@code X-Original-URI}, for nginx configs
 *       written after Authgear's recipe. nginx has no convention for the host, so host rules are
 *       refused with it at start-up.</li>
 * </ul>
 *
 * Envoy's requests under {@code envoy_path_prefix} carry the request line itself and read no family.
 */
enum ForwardedHeaders {
    X_FORWARDED("x-forwarded", "x-forwarded-method", "x-forwarded-uri", "x-forwarded-host"),
    X_ORIGINAL("x-original", "x-original-method", "x-original-uri", null);

    final String configName;
    final String methodHeader;
    final String uriHeader;
    /** {@code null}: this family names no host. */
    final String hostHeader;
    /**
     * The answer when rules exist and a decision request lacks one of the family's headers, or has one
     * twice (a gateway that appends instead of replacing would put the client's copy first): the
     * gateway is misconfigured, and guessing the request would let the client choose the rule.
     */
    final Decision.Deny undetermined;

    ForwardedHeaders(String configName, String methodHeader, String uriHeader, String hostHeader) {
        this.configName = configName;
        this.methodHeader = methodHeader;
        this.uriHeader = uriHeader;
        this.hostHeader = hostHeader;
        String names = hostHeader == null ? methodHeader + " and " + uriHeader : methodHeader + ", " + uriHeader + " and " + hostHeader;
        this.undetermined = new Decision.Deny(500, List.of(new Header("content-type", "application/json")),
                "{\"error\":\"server_error\",\"error_description\":\"the gateway must send " + names
                        + " once each (forwarded_headers: " + configName + ")\"}\n");
    }

    static ForwardedHeaders named(String name) {
        for (ForwardedHeaders f : values()) {
            if (f.configName.equals(name)) {
                return f;
            }
        }
        return null;
    }
}

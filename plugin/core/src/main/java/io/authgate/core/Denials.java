package io.authgate.core;

import io.authgate.core.config.ConfigException;
import io.authgate.core.headers.Header;

import java.util.List;

/** The answers authgate gives itself, built once. Bodies are small JSON objects (RFC 6750 style). */
public final class Denials {
    private static final List<Header> JSON = List.of(new Header("content-type", "application/json"));

    /** Keys cannot be had: no decision can be made, so none is faked. */
    public static final Decision.Deny KEYS_UNAVAILABLE = new Decision.Deny(503,
            List.of(new Header("content-type", "application/json"), new Header("retry-after", "1")),
            "{\"error\":\"temporarily_unavailable\",\"error_description\":\"signing keys cannot be fetched\"}");

    /** Authgear's resolver did not answer, and {@code resolver.on_error} is {@code deny}. */
    public static final Decision.Deny RESOLVER_UNAVAILABLE = new Decision.Deny(503,
            List.of(new Header("content-type", "application/json"), new Header("retry-after", "1")),
            "{\"error\":\"temporarily_unavailable\",\"error_description\":\"the session cannot be resolved now\"}");

    /** A fault of authgate's own: fail closed, say nothing more. */
    public static final Decision.Deny INTERNAL_ERROR = new Decision.Deny(500, JSON,
            "{\"error\":\"server_error\",\"error_description\":\"authgate could not resolve the request\"}");

    private Denials() {
    }

    /**
     * A route whose configuration is invalid stops every request: an invalid config must never let a
     * request through unauthenticated. The body is the one line the log has, naming key and reason.
     */
    public static Decision.Deny invalidConfig(ConfigException e) {
        return new Decision.Deny(500, List.of(new Header("content-type", "text/plain; charset=utf-8")),
                invalidConfigMessage(e) + "\n");
    }

    public static String invalidConfigMessage(ConfigException e) {
        return "authgate: invalid configuration: " + e.key() + ": " + e.reason();
    }
}

package io.authgate.core.config;

/**
 * A configuration that cannot be used. Carries the offending key (dotted path, e.g.
 * {@code jwks.ttl_seconds}) and a one-line reason, so every front can print the same message.
 */
public final class ConfigException extends RuntimeException {
    private final String key;
    private final String reason;

    public ConfigException(String key, String reason) {
        super(key + ": " + reason, null, false, false);
        this.key = key;
        this.reason = reason;
    }

    public String key() {
        return key;
    }

    public String reason() {
        return reason;
    }
}

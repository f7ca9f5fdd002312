package io.authgate.forwardauth.log;

import com.fasterxml.jackson.databind.JsonNode;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigSection;

import java.util.Set;

/**
 * The adapter's logging keys: {@code log_format} ({@code text}, the default, or {@code json}) and
 * {@code decision_log} (one JSON line per decision on stdout; off by default).
 */
public record LogSettings(LogFormat format, boolean decisionLog) {
    public static final Set<String> KEYS = Set.of("log_format", "decision_log");
    public static final LogSettings DEFAULTS = new LogSettings(LogFormat.TEXT, false);

    public static LogSettings parse(ConfigSection root) {
        JsonNode format = root.get("log_format").orElse(null);
        if (format != null && !format.isTextual()) {
            throw new ConfigException(root.key("log_format"), "must be text or json");
        }
        return new LogSettings(format == null ? LogFormat.TEXT : LogFormat.named(format.textValue(), root.key("log_format")),
                root.flag("decision_log"));
    }
}

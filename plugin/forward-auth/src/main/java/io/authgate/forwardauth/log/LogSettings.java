package io.authgate.forwardauth.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.authgate.core.config.ConfigException;

import java.util.Set;

/**
 * The adapter's logging keys: {@code log_format} ({@code text}, the default, or {@code json}) and
 * {@code decision_log} (one JSON line per decision on stdout; off by default).
 */
public record LogSettings(LogFormat format, boolean decisionLog) {
    public static final Set<String> KEYS = Set.of("log_format", "decision_log");
    public static final LogSettings DEFAULTS = new LogSettings(LogFormat.TEXT, false);

    /** Reads and removes its keys from {@code root}. */
    public static LogSettings parse(ObjectNode root) {
        JsonNode format = root.remove("log_format");
        JsonNode decisions = root.remove("decision_log");
        if (format != null && !format.isTextual()) {
            throw new ConfigException("log_format", "must be text or json");
        }
        if (decisions != null && !decisions.isBoolean()) {
            throw new ConfigException("decision_log", "must be true or false");
        }
        return new LogSettings(format == null ? LogFormat.TEXT : LogFormat.named(format.textValue(), "log_format"),
                decisions != null && decisions.booleanValue());
    }
}

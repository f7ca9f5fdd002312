package io.authgate.forwardauth.log;

import io.authgate.core.config.ConfigException;

/** How the adapter writes its log lines: {@code log_format: text} (the default) or {@code json}. */
public enum LogFormat {
    /** {@code authgate: <message>}, one line each: for a terminal and journald. */
    TEXT("text"),
    /** One JSON object per line: for a log pipeline (Loki, Elasticsearch, CloudWatch). */
    JSON("json");

    private final String configName;

    LogFormat(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** @throws ConfigException naming {@code key} when {@code value} is not a format */
    public static LogFormat named(String value, String key) {
        for (LogFormat f : values()) {
            if (f.configName.equals(value)) {
                return f;
            }
        }
        throw new ConfigException(key, "must be text or json, not " + value);
    }
}

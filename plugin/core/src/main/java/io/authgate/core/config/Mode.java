package io.authgate.core.config;

/** What the gateway does with the resolution. */
public enum Mode {
    /** Authgear's own behaviour: always continue, describe the session in headers. */
    RESOLVE("resolve"),
    /** The gateway decides: no valid session, or one the route's policy refuses, is denied. */
    ENFORCE("enforce");

    private final String configName;

    Mode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}

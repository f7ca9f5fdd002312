package io.authgate.core.config;

/** What a request gets when Authgear's resolver cannot answer (timeout, non-200, connection failure). */
public enum OnError {
    /** 503 with {@code Retry-After}: no decision is faked. The default. */
    DENY("deny"),
    /** The credential counts as unresolved: no session (and enforce mode's 401). */
    NO_SESSION("no_session");

    private final String configName;

    OnError(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}

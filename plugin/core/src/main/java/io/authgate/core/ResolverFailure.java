package io.authgate.core;

/** Why a call to Authgear's resolver failed, for metrics: a small fixed set of labels ({@link AuthgateEvents#resolverFailed}). */
public enum ResolverFailure {
    TIMEOUT("timeout"), STATUS("status"), CONNECTION("connection"),
    /** Not asked at all: {@code max_concurrent_calls} were already in flight. */
    OVERLOADED("overloaded");

    private final String label;

    ResolverFailure(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}

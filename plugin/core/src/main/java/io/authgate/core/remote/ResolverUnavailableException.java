package io.authgate.core.remote;

/**
 * Authgear's resolver did not answer 200 in time. The message is safe to log (it never holds the
 * credential); no stack trace is filled in, since the cause is the network, not the code.
 */
public final class ResolverUnavailableException extends RuntimeException {
    /** For metrics: a small fixed set of labels. */
    public enum Cause {
        TIMEOUT("timeout"), STATUS("status"), CONNECTION("connection"),
        /** Not asked at all: {@code max_concurrent_calls} were already in flight. */
        OVERLOADED("overloaded");

        private final String label;

        Cause(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Cause cause;

    public ResolverUnavailableException(Cause cause, String message) {
        super(message, null, false, false);
        this.cause = cause;
    }

    public Cause reason() {
        return cause;
    }
}

package io.authgate.core.revocation;

/** A webhook body that is not an Authgear event this can apply: the receiver answers 400. No stack trace. */
public final class MalformedEventException extends RuntimeException {
    public MalformedEventException(String reason) {
        super(reason, null, false, false);
    }
}

package io.authgate.core;

import java.util.Optional;

/**
 * A {@link RequestTrace} that keeps what it heard, for a front's decision log: one per request,
 * made only while that log is on. Written by whichever thread finished the resolution, read by the
 * one that answers (which the completion orders after it); volatile all the same.
 */
public final class RejectionRecorder implements RequestTrace {
    private volatile Optional<TokenRejection> rejection = Optional.empty();

    @Override
    public void tokenRejected(TokenRejection reason) {
        rejection = Optional.of(reason);
    }

    /** Why the request's token was refused; empty when it was not (or there was none). */
    public Optional<TokenRejection> rejection() {
        return rejection;
    }
}

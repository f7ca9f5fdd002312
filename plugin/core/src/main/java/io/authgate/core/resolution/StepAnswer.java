package io.authgate.core.resolution;

import java.util.concurrent.CompletableFuture;

/**
 * What a credential step answers: the {@link Resolution} itself when it is known at once (a cached
 * token, a rejection, a cached answer of Authgear's: an existing object, so the hot path allocates
 * nothing), or a {@link Pending} one when it must wait (a JWKS fetch, a call to Authgear).
 */
public sealed interface StepAnswer permits Resolution, StepAnswer.Pending {

    /** This answer as a future; a new, completed one for a resolution known now (off the hot path only). */
    CompletableFuture<Resolution> toFuture();

    /** An answer under way. The future never fails. */
    record Pending(CompletableFuture<Resolution> future) implements StepAnswer {
        @Override
        public CompletableFuture<Resolution> toFuture() {
            return future;
        }
    }

    /** The future's resolution when it is already there (no allocation), otherwise it as pending. */
    static StepAnswer of(CompletableFuture<Resolution> future) {
        return future.isDone() && !future.isCompletedExceptionally() ? future.join() : new Pending(future);
    }
}

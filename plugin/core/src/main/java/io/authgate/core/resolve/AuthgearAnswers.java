package io.authgate.core.resolve;

import io.authgate.core.remote.RemoteCredential;
import io.authgate.core.remote.RemoteSession;
import io.authgate.core.remote.RemoteSessions;
import io.authgate.core.resolution.Resolution;
import io.authgate.core.resolution.StepAnswer;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Asks Authgear's resolver (through its cache) about one credential and says what the answer
 * resolves to. A failed call is {@link Resolution.Unresolved#RESOLVER_UNAVAILABLE}: the exception
 * stops here, at the edge of the remote part.
 */
final class AuthgearAnswers {
    private final RemoteSessions remote;

    AuthgearAnswers(RemoteSessions remote) {
        this.remote = remote;
    }

    /** @param scopes the verified JWT's scopes on a live route; empty for opaque credentials */
    StepAnswer ask(RemoteCredential credential, List<String> scopes) {
        CompletableFuture<RemoteSession> answer = remote.resolve(credential);
        if (answer.isDone() && !answer.isCompletedExceptionally()) {
            return resolutionOf(answer.join(), scopes);
        }
        return new StepAnswer.Pending(answer.handle((session, error) -> error == null
                ? resolutionOf(session, scopes)
                : Resolution.Unresolved.RESOLVER_UNAVAILABLE));
    }

    private static Resolution resolutionOf(RemoteSession session, List<String> scopes) {
        return switch (session.kind()) {
            case VALID -> new Resolution.Session(session.claims(), scopes, session.headers());
            case INVALID -> Resolution.Invalid.notValid(session.headers());
            case NONE -> Resolution.Invalid.UNKNOWN;
        };
    }
}

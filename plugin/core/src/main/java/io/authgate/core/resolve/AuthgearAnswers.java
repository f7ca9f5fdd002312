package io.authgate.core.resolve;

import io.authgate.core.TokenRejection;
import io.authgate.core.remote.RemoteCredential;
import io.authgate.core.remote.RemoteSession;
import io.authgate.core.remote.RemoteSessions;
import io.authgate.core.resolution.Resolution;
import io.authgate.core.resolution.StepAnswer;
import io.authgate.core.revocation.Revocations;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Asks Authgear's resolver (through its cache) about one credential and says what the answer
 * resolves to. A failed call is {@link Resolution.Unresolved#RESOLVER_UNAVAILABLE}: the exception
 * stops here, at the edge of the remote part.
 */
final class AuthgearAnswers {
    private final RemoteSessions remote;
    private final Revocations revoked;
    private final Clock clock;
    private final long validTtlMillis;
    private final long negativeTtlMillis;

    AuthgearAnswers(RemoteSessions remote, Revocations revoked, Clock clock) {
        this.remote = remote;
        this.revoked = revoked;
        this.clock = clock;
        this.validTtlMillis = remote.settings().cacheTtl().toMillis();
        this.negativeTtlMillis = remote.settings().negativeCacheTtl().toMillis();
    }

    /** @param scopes the verified JWT's scopes on a live route; empty for opaque credentials */
    StepAnswer ask(RemoteCredential credential, List<String> scopes) {
        if (credential.headerValue().length() > RemoteSessions.MAX_CREDENTIAL_CHARS) {
            return Resolution.Invalid.UNKNOWN_FOR_GOOD; // never sent (RemoteSessions says NONE too), so no cache TTL bounds it
        }
        CompletableFuture<RemoteSession> answer = remote.resolve(credential);
        if (answer.isDone() && !answer.isCompletedExceptionally()) {
            return resolutionOf(answer.join(), scopes);
        }
        return new StepAnswer.Pending(answer.handle((session, error) -> error == null
                ? resolutionOf(session, scopes)
                : Resolution.Unresolved.RESOLVER_UNAVAILABLE));
    }

    /**
     * The answer is reusable until its cache TTL from now: at most, since it may have come from the
     * cache already aged (the cache does not say when it stored it).
     */
    private Resolution resolutionOf(RemoteSession session, List<String> scopes) {
        long now = clock.millis();
        return switch (session.kind()) {
            // Authgear may still answer for a disabled user's session (its own cache, a call made
            // before the event): the event has the last word.
            case VALID -> revoked.blocks(session.claims().userId(), Math.floorDiv(now, 1000))
                    ? Resolution.Invalid.rejected(TokenRejection.REVOKED)
                    : new Resolution.Session(session.claims(), scopes, session.headers(), now + validTtlMillis);
            case INVALID -> Resolution.Invalid.notValid(session.headers(), now + negativeTtlMillis);
            case NONE -> Resolution.Invalid.unknown(now + negativeTtlMillis);
        };
    }
}

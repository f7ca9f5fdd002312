package io.authgate.core;

import io.authgate.core.remote.RemoteSession;
import io.authgate.core.remote.ResolverUnavailableException;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * What the core reports to its front, which logs it and counts it. The core itself neither logs nor
 * knows a logging framework: the APISIX runner has log4j, the adapter has its own. Implementations
 * must be cheap and thread-safe; every method has a no-op default. Nothing here carries a token.
 */
public interface AuthgateEvents {
    /** The disabled sink: hears everything, does nothing. Stands for "no listener" (never {@code null}). */
    AuthgateEvents NONE = new AuthgateEvents() {
    };

    /**
     * Several sinks (metrics, logs) as one, each guarded: one that throws neither stops the others
     * nor the request. {@link Authgate} guards whatever sink it is given in the same way.
     */
    static AuthgateEvents all(java.util.List<AuthgateEvents> sinks) {
        return GuardedEvents.of(sinks);
    }

    default void jwksFetched(URI source, int keys, int skipped, Duration ttl) {
    }

    /** A JWKS fetch failed: {@code failure} says which kind, {@code reason} in one line (no credential). */
    default void jwksFetchFailed(URI source, JwksFailure failure, String reason) {
    }

    /**
     * The first keys from {@code source} (then {@code before} is empty, and this is called even when
     * none of them is usable), or a fetch that brought other key ids than those held. Not called
     * when a refresh brings the same kids. {@code skipped}: entries of the document left out as unusable.
     */
    default void jwksKeysChanged(URI source, Set<String> before, Set<String> after, int skipped) {
    }

    default void tokenCacheHit() {
    }

    default void tokenCacheMiss() {
    }

    default void tokenRejected(TokenRejection reason) {
    }

    /** An answer to a remote-resolution request came from the cache. */
    default void resolverCacheHit() {
    }

    /** A request waited for a call to Authgear's resolver that another request had started. */
    default void resolverCoalesced() {
    }

    /** A credential waits for one of {@code max_concurrent_calls} to end before Authgear is asked. */
    default void resolverQueued() {
    }

    /** Authgear's resolver answered 200 after {@code nanos}. */
    default void resolverCalled(long nanos, RemoteSessionKind answer) {
    }

    /** The webhook receiver answered an event (or a request that claimed to be one) so. */
    default void webhookAnswered(WebhookAnswer answer) {
    }

    /** A call to Authgear's resolver failed after {@code nanos}; the message holds no credential. */
    default void resolverFailed(long nanos, ResolverFailure cause, String message) {
    }

    /** The revocation feed (Redis) answered: a connection opened, an event was appended or read. */
    default void revocationFeedUp() {
    }

    /** The revocation feed (Redis) failed: {@code failure} says which kind, {@code reason} in one line (no password, no event). */
    default void revocationFeedFailed(RevocationFeedFailure failure, String reason) {
    }
}

package io.authgate.forwardauth;

import io.authgate.core.AuthgateEvents;
import io.authgate.core.JwksFailure;
import io.authgate.core.jwt.TokenRejection;
import io.authgate.core.remote.RemoteSession;
import io.authgate.core.remote.ResolverUnavailableException;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/** The core's events to metrics and to the log. (Until the core composes sinks itself.) */
final class Tee implements AuthgateEvents {
    private final AuthgateEvents first;
    private final AuthgateEvents second;

    Tee(AuthgateEvents first, AuthgateEvents second) {
        this.first = first;
        this.second = second;
    }

    @Override
    public void jwksFetched(URI source, int keys, int skipped, Duration ttl) {
        first.jwksFetched(source, keys, skipped, ttl);
        second.jwksFetched(source, keys, skipped, ttl);
    }

    @Override
    public void jwksFetchFailed(URI source, JwksFailure failure, String reason) {
        first.jwksFetchFailed(source, failure, reason);
        second.jwksFetchFailed(source, failure, reason);
    }

    @Override
    public void jwksKeysChanged(URI source, Set<String> before, Set<String> after, int skipped) {
        first.jwksKeysChanged(source, before, after, skipped);
        second.jwksKeysChanged(source, before, after, skipped);
    }

    @Override
    public void tokenCacheHit() {
        first.tokenCacheHit();
        second.tokenCacheHit();
    }

    @Override
    public void tokenCacheMiss() {
        first.tokenCacheMiss();
        second.tokenCacheMiss();
    }

    @Override
    public void tokenRejected(TokenRejection reason) {
        first.tokenRejected(reason);
        second.tokenRejected(reason);
    }

    @Override
    public void resolverCacheHit() {
        first.resolverCacheHit();
        second.resolverCacheHit();
    }

    @Override
    public void resolverCoalesced() {
        first.resolverCoalesced();
        second.resolverCoalesced();
    }

    @Override
    public void resolverQueued() {
        first.resolverQueued();
        second.resolverQueued();
    }

    @Override
    public void resolverCalled(long nanos, RemoteSession.Kind answer) {
        first.resolverCalled(nanos, answer);
        second.resolverCalled(nanos, answer);
    }

    @Override
    public void resolverFailed(long nanos, ResolverUnavailableException.Cause cause, String message) {
        first.resolverFailed(nanos, cause, message);
        second.resolverFailed(nanos, cause, message);
    }
}

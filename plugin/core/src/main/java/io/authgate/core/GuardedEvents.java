package io.authgate.core;

import io.authgate.core.remote.RemoteSession;
import io.authgate.core.remote.ResolverUnavailableException;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Every listener of a runtime, each behind a guard: a listener that throws is skipped for that event
 * and the others still hear it, so a broken metrics or logging sink never breaks a decision (the
 * model is Caffeine's {@code GuardedStatsCounter}). What a listener throws is dropped, not logged:
 * the core knows no logger, and a listener that throws on every request would flood any log.
 * Allocates nothing per event: each method repeats the loop rather than taking a lambda, which
 * would allocate per event wherever it captures the event's arguments.
 */
final class GuardedEvents implements AuthgateEvents {
    private final AuthgateEvents[] listeners;

    private GuardedEvents(List<AuthgateEvents> listeners) {
        this.listeners = listeners.toArray(AuthgateEvents[]::new);
    }

    /** The guarded form of these listeners; {@link AuthgateEvents#NONE} when there is none. */
    static AuthgateEvents of(List<AuthgateEvents> listeners) {
        List<AuthgateEvents> real = listeners.stream()
                .flatMap(l -> l instanceof GuardedEvents g ? List.of(g.listeners).stream() : java.util.stream.Stream.of(l))
                .filter(l -> l != NONE)
                .toList();
        return real.isEmpty() ? NONE : new GuardedEvents(real);
    }

    @Override
    public void jwksFetched(URI source, int keys, int skipped, Duration ttl) {
        for (AuthgateEvents l : listeners) {
            try {
                l.jwksFetched(source, keys, skipped, ttl);
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void jwksFetchFailed(URI source, JwksFailure failure, String reason) {
        for (AuthgateEvents l : listeners) {
            try {
                l.jwksFetchFailed(source, failure, reason);
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void jwksKeysChanged(URI source, Set<String> before, Set<String> after, int skipped) {
        for (AuthgateEvents l : listeners) {
            try {
                l.jwksKeysChanged(source, before, after, skipped);
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void tokenCacheHit() {
        for (AuthgateEvents l : listeners) {
            try {
                l.tokenCacheHit();
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void tokenCacheMiss() {
        for (AuthgateEvents l : listeners) {
            try {
                l.tokenCacheMiss();
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void tokenRejected(TokenRejection reason) {
        for (AuthgateEvents l : listeners) {
            try {
                l.tokenRejected(reason);
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void webhookAnswered(WebhookAnswer answer) {
        for (AuthgateEvents l : listeners) {
            try {
                l.webhookAnswered(answer);
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void resolverCacheHit() {
        for (AuthgateEvents l : listeners) {
            try {
                l.resolverCacheHit();
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void resolverCoalesced() {
        for (AuthgateEvents l : listeners) {
            try {
                l.resolverCoalesced();
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void resolverQueued() {
        for (AuthgateEvents l : listeners) {
            try {
                l.resolverQueued();
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void resolverCalled(long nanos, RemoteSessionKind answer) {
        for (AuthgateEvents l : listeners) {
            try {
                l.resolverCalled(nanos, answer);
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void resolverFailed(long nanos, ResolverFailure cause, String message) {
        for (AuthgateEvents l : listeners) {
            try {
                l.resolverFailed(nanos, cause, message);
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void revocationFeedUp() {
        for (AuthgateEvents l : listeners) {
            try {
                l.revocationFeedUp();
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }

    @Override
    public void revocationFeedFailed(RevocationFeedFailure failure, String reason) {
        for (AuthgateEvents l : listeners) {
            try {
                l.revocationFeedFailed(failure, reason);
            } catch (RuntimeException ignored) {
                // see the class comment
            }
        }
    }
}

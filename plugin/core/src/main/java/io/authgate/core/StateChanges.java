package io.authgate.core;


import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The core's events as {@link StateChange}s, each said once (see {@link Outage}): what both fronts
 * log. A failing JWKS source or resolver says so at once, then at most once per
 * {@link #REPEAT_INTERVAL} with how many more failures there were, and says when it recovers.
 * Calls refused because {@code max_concurrent_calls} were in flight are authgate's own bound, not
 * Authgear failing: they are counted in metrics, not logged here.
 */
public final class StateChanges implements AuthgateEvents {
    /** As the runner has rate-limited its resolver warnings since before these lines existed. */
    public static final Duration REPEAT_INTERVAL = Duration.ofSeconds(10);

    private final Consumer<StateChange> sink;
    private final LongSupplier nanoTime;
    private final long intervalNanos;
    private final Map<URI, Outage> jwks = new ConcurrentHashMap<>();
    private final Set<URI> loaded = ConcurrentHashMap.newKeySet();
    private final Outage resolver;
    private final Outage feed;
    private final Outage webhooks;

    /** @param sink where each change goes; called on whichever thread saw it, so it must not block */
    public StateChanges(Consumer<StateChange> sink) {
        this(sink, System::nanoTime, REPEAT_INTERVAL);
    }

    public StateChanges(Consumer<StateChange> sink, LongSupplier nanoTime, Duration repeatInterval) {
        this.sink = sink;
        this.nanoTime = nanoTime;
        this.intervalNanos = repeatInterval.toNanos();
        this.resolver = new Outage(intervalNanos);
        this.feed = new Outage(intervalNanos);
        this.webhooks = new Outage(intervalNanos);
    }

    private Outage jwks(URI source) {
        return jwks.computeIfAbsent(source, s -> new Outage(intervalNanos));
    }

    @Override
    public void jwksFetched(URI source, int keys, int skipped, Duration ttl) {
        Outage.Verdict v = jwks(source).succeeded(nanoTime.getAsLong());
        if (v.say() == Outage.Say.RECOVERED) {
            sink.accept(new StateChange.KeysRecovered(source, v.failures(), nanos(v.failingForNanos())));
        }
    }

    @Override
    public void jwksFetchFailed(URI source, JwksFailure failure, String reason) {
        Outage.Verdict v = jwks(source).failed(nanoTime.getAsLong());
        switch (v.say()) {
            case FAILING -> sink.accept(new StateChange.KeysFailing(source, failure, reason));
            case STILL_FAILING -> sink.accept(new StateChange.KeysStillFailing(source, v.failures(), nanos(v.failingForNanos()), failure, reason));
            default -> {
            }
        }
    }

    @Override
    public void jwksKeysChanged(URI source, Set<String> before, Set<String> after, int skipped) {
        if (loaded.add(source)) {
            sink.accept(new StateChange.KeysLoaded(source, sorted(after), skipped));
            return;
        }
        List<String> added = new ArrayList<>(new TreeSet<>(after));
        added.removeAll(before);
        List<String> removed = new ArrayList<>(new TreeSet<>(before));
        removed.removeAll(after);
        sink.accept(new StateChange.KeysChanged(source, added, removed));
    }

    @Override
    public void resolverCalled(long nanos, RemoteSessionKind answer) {
        Outage.Verdict v = resolver.succeeded(nanoTime.getAsLong());
        if (v.say() == Outage.Say.RECOVERED) {
            sink.accept(new StateChange.ResolverRecovered(v.failures(), nanos(v.failingForNanos())));
        }
    }

    @Override
    public void resolverFailed(long nanos, ResolverFailure cause, String message) {
        if (cause == ResolverFailure.OVERLOADED) {
            return;
        }
        Outage.Verdict v = resolver.failed(nanoTime.getAsLong());
        switch (v.say()) {
            case FAILING -> sink.accept(new StateChange.ResolverFailing(cause, message));
            case STILL_FAILING -> sink.accept(new StateChange.ResolverStillFailing(v.failures(), nanos(v.failingForNanos()), cause, message));
            default -> {
            }
        }
    }

    @Override
    public void revocationFeedUp() {
        Outage.Verdict v = feed.succeeded(nanoTime.getAsLong());
        if (v.say() == Outage.Say.RECOVERED) {
            sink.accept(new StateChange.FeedRecovered(v.failures(), nanos(v.failingForNanos())));
        }
    }

    @Override
    public void revocationFeedFailed(RevocationFeedFailure failure, String reason) {
        Outage.Verdict v = feed.failed(nanoTime.getAsLong());
        switch (v.say()) {
            case FAILING -> sink.accept(new StateChange.FeedFailing(failure, reason));
            case STILL_FAILING -> sink.accept(new StateChange.FeedStillFailing(v.failures(), nanos(v.failingForNanos()), failure, reason));
            default -> {
            }
        }
    }

    /**
     * A wrong signature (the secret differs from the portal's) and a feed that cannot take events are
     * said; unsigned, malformed and oversized requests are anyone's, counted only.
     */
    @Override
    public void webhookAnswered(WebhookAnswer answer) {
        String why = switch (answer) {
            case BAD_SIGNATURE -> "the signature does not match revocation.webhook_secret (is it the portal's current secret?)";
            case UNAVAILABLE -> "they cannot be applied (the revocation table is at revocation.max_entries, or the feed is down): answered 503";
            default -> null;
        };
        long now = nanoTime.getAsLong();
        if (why == null) {
            if (answer.status() / 100 == 2) {
                Outage.Verdict v = webhooks.succeeded(now);
                if (v.say() == Outage.Say.RECOVERED) {
                    sink.accept(new StateChange.WebhookRecovered(v.failures(), nanos(v.failingForNanos())));
                }
            }
            return;
        }
        Outage.Verdict v = webhooks.failed(now);
        switch (v.say()) {
            case FAILING -> sink.accept(new StateChange.WebhookFailing(why));
            case STILL_FAILING -> sink.accept(new StateChange.WebhookStillFailing(v.failures(), nanos(v.failingForNanos()), why));
            default -> {
            }
        }
    }

    private static List<String> sorted(Set<String> kids) {
        return List.copyOf(new TreeSet<>(kids));
    }

    private static Duration nanos(long n) {
        return Duration.ofNanos(n);
    }
}

package io.authgate.core;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Each state change said once; repeats at most once per interval, with their count; recoveries at once. */
class StateChangesTest {
    private static final URI JWKS = URI.create("https://auth.example.com/oauth2/jwks");
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final StateChanges changes = new StateChanges(c -> lines.add(c.level() + " " + c.event() + ": " + c.message()),
            now::get, INTERVAL);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void keysLoadedThenChangedThenAnUnchangedRefreshSaysNothing() {
        changes.jwksFetched(JWKS, 2, 1, Duration.ofMinutes(5));
        changes.jwksKeysChanged(JWKS, Set.of(), Set.of("k2", "k1"), 1);
        changes.jwksFetched(JWKS, 2, 1, Duration.ofMinutes(5));
        changes.jwksKeysChanged(JWKS, Set.of("k1", "k2"), Set.of("k2", "k3"), 0);

        assertThat(lines).containsExactly(
                "INFO jwks_loaded: signing keys loaded from " + JWKS + ": 2 keys [k1, k2] (1 skipped as unusable)",
                "INFO jwks_changed: signing keys refreshed from " + JWKS + ": added [k3], removed [k1]");
    }

    @Test
    void refusedWebhookEventsAreSaidOnceThenEveryIntervalThenTheirRecovery() {
        changes.webhookAnswered(WebhookAnswer.ACCEPTED);
        changes.webhookAnswered(WebhookAnswer.BAD_SIGNATURE);
        advance(Duration.ofSeconds(1));
        changes.webhookAnswered(WebhookAnswer.BAD_SIGNATURE);
        changes.webhookAnswered(WebhookAnswer.UNSIGNED); // a scanner, not Authgear: counted, not said
        changes.webhookAnswered(WebhookAnswer.MALFORMED);
        advance(Duration.ofSeconds(9));
        changes.webhookAnswered(WebhookAnswer.UNAVAILABLE);
        advance(Duration.ofSeconds(2));
        changes.webhookAnswered(WebhookAnswer.IGNORED);
        changes.webhookAnswered(WebhookAnswer.ACCEPTED);

        assertThat(lines).containsExactly(
                "WARN webhook_failing: Authgear's webhook events are refused: the signature does not match"
                        + " revocation.webhook_secret (is it the portal's current secret?)",
                "WARN webhook_still_failing: Authgear's webhook events are still refused: 2 more, for 10 s; last: they cannot"
                        + " be applied (the revocation table is at revocation.max_entries, or the feed is down): answered 503",
                "INFO webhook_recovered: Authgear's webhook events are applied again after 3 refused over 12 s");
    }

    @Test
    void keysDownThenUpIsOneFailingLineOneStillFailingPerIntervalAndOneRecovery() {
        changes.jwksFetchFailed(JWKS, JwksFailure.CONNECT, "ConnectException");
        for (int i = 0; i < 5; i++) {
            advance(Duration.ofSeconds(1));
            changes.jwksFetchFailed(JWKS, JwksFailure.CONNECT, "ConnectException");
        }
        advance(Duration.ofSeconds(5)); // 10 s after the first line
        changes.jwksFetchFailed(JWKS, JwksFailure.HTTP_STATUS, JWKS + " answered HTTP 503");
        advance(Duration.ofSeconds(2));
        changes.jwksFetched(JWKS, 2, 0, Duration.ofMinutes(5));
        changes.jwksFetched(JWKS, 2, 0, Duration.ofMinutes(5));

        assertThat(lines).containsExactly(
                "WARN jwks_fetch_failing: cannot fetch signing keys from " + JWKS + " (connect): ConnectException",
                "WARN jwks_fetch_still_failing: still cannot fetch signing keys from " + JWKS
                        + ": 6 more failed fetch(es), failing for 10 s; last (http_status): " + JWKS + " answered HTTP 503",
                "INFO jwks_fetch_recovered: signing keys fetched from " + JWKS + " again after 7 failed fetch(es) over 12 s");
    }

    @Test
    void resolverDownThenUpIsSaidOnceEach() {
        changes.resolverCalled(1_000_000, RemoteSessionKind.VALID);
        changes.resolverFailed(2_000_000, ResolverFailure.TIMEOUT, "no answer within 500 ms");
        changes.resolverFailed(2_000_000, ResolverFailure.CONNECTION, "connection refused");
        advance(Duration.ofSeconds(3));
        changes.resolverCalled(1_000_000, RemoteSessionKind.NONE);
        changes.resolverCalled(1_000_000, RemoteSessionKind.VALID);

        assertThat(lines).containsExactly(
                "WARN resolver_failing: Authgear's resolver is failing (timeout): no answer within 500 ms",
                "INFO resolver_recovered: Authgear's resolver answers again after 2 failed call(s) over 3 s");
    }

    @Test
    void theRevocationFeedDownThenUpIsSaidOnceEachWithStillFailingPerInterval() {
        changes.revocationFeedUp();
        changes.revocationFeedFailed(RevocationFeedFailure.CONNECT, "redis://redis:6379/0: ConnectException: Connection refused");
        for (int i = 0; i < 10; i++) {
            advance(Duration.ofSeconds(1));
            changes.revocationFeedFailed(RevocationFeedFailure.TIMEOUT, "redis://redis:6379/0: no answer in time");
        }
        advance(Duration.ofSeconds(1));
        changes.revocationFeedUp();
        changes.revocationFeedUp();

        assertThat(lines).containsExactly(
                "WARN revocation_feed_failing: the revocation feed (Redis) is failing (connect): redis://redis:6379/0: ConnectException: Connection refused",
                "WARN revocation_feed_still_failing: the revocation feed (Redis) is still failing: 10 more failure(s), failing for 10 s;"
                        + " last (timeout): redis://redis:6379/0: no answer in time",
                "INFO revocation_feed_recovered: the revocation feed (Redis) answers again after 11 failure(s) over 11 s");
    }

    @Test
    void aFlappingResolverIsNotSaidFailingAgainWithinTheInterval() {
        changes.resolverFailed(1, ResolverFailure.STATUS, "answered HTTP 502");
        advance(Duration.ofSeconds(1));
        changes.resolverCalled(1, RemoteSessionKind.VALID);
        for (int i = 0; i < 20; i++) {
            advance(Duration.ofMillis(100));
            changes.resolverFailed(1, ResolverFailure.STATUS, "answered HTTP 502");
            changes.resolverCalled(1, RemoteSessionKind.VALID);
        }
        advance(Duration.ofSeconds(10));
        changes.resolverFailed(1, ResolverFailure.STATUS, "answered HTTP 502");

        assertThat(lines).containsExactly(
                "WARN resolver_failing: Authgear's resolver is failing (status): answered HTTP 502",
                "INFO resolver_recovered: Authgear's resolver answers again after 1 failed call(s) over 1 s",
                "WARN resolver_failing: Authgear's resolver is failing (status): answered HTTP 502");
    }

    @Test
    void callsRefusedByAuthgatesOwnConcurrencyBoundAreNotAuthgearFailing() {
        changes.resolverFailed(0, ResolverFailure.OVERLOADED, "max_concurrent_calls in flight");
        assertThat(lines).isEmpty();
    }

    @Test
    void anAllUnusableFirstJwksIsStillSaidLoaded() {
        changes.jwksKeysChanged(JWKS, Set.of(), Set.of(), 3);
        assertThat(lines).containsExactly("INFO jwks_loaded: signing keys loaded from " + JWKS + ": 0 keys [] (3 skipped as unusable)");
    }
}

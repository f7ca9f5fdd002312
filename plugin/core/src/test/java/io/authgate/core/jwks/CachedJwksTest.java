package io.authgate.core.jwks;

import io.authgate.core.AuthgateEvents;
import io.authgate.core.config.JwksSettings;
import io.authgate.testkit.MutableClock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.authgate.core.jwks.JwksFixtures.fetched;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JWKS cache's rules, with a fake fetcher and a hand-moved clock. Real time passes only where the
 * rule is about waiting (the wait timeout), and then only a few hundred milliseconds.
 */
class CachedJwksTest {
    private static final JwksSettings SETTINGS = new JwksSettings(
            ofSeconds(300),  // default TTL
            ofSeconds(30),   // min TTL
            ofSeconds(3600), // max TTL
            ofSeconds(600),  // stale-if-error
            ofSeconds(10),   // unknown kid min interval
            ofSeconds(2),    // fetch timeout
            ofSeconds(1));   // wait timeout

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RecordingEvents events = new RecordingEvents();

    private CachedJwks cache(FakeJwksFetcher fetcher) {
        return cache(fetcher, SETTINGS);
    }

    private CachedJwks cache(FakeJwksFetcher fetcher, JwksSettings settings) {
        return new CachedJwks(fetcher, settings, clock, events);
    }

    private static JwksSettings waitTimeout(Duration wait) {
        return new JwksSettings(SETTINGS.defaultTtl(), SETTINGS.minTtl(), SETTINGS.maxTtl(), SETTINGS.staleIfError(),
                SETTINGS.unknownKidMinInterval(), SETTINGS.fetchTimeout(), wait);
    }

    private static JwksSettings staleIfError(Duration stale) {
        return new JwksSettings(SETTINGS.defaultTtl(), SETTINGS.minTtl(), SETTINGS.maxTtl(), stale,
                SETTINGS.unknownKidMinInterval(), SETTINGS.fetchTimeout(), SETTINGS.waitTimeout());
    }

    private static void assertKey(KeyLookup lookup, String kid) {
        assertThat(lookup).isInstanceOf(VerificationKey.class);
        assertThat(((VerificationKey) lookup).keyId()).isEqualTo(kid);
    }

    /** Blocked on the pending fetch (the wait timeout lives in the future, so either state). */
    private static boolean parked(Thread t) {
        return t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    static final class RecordingEvents implements AuthgateEvents {
        final List<Duration> ttls = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<URI> sources = new CopyOnWriteArrayList<>();

        @Override
        public void jwksFetched(URI source, int keys, int skipped, Duration ttl) {
            sources.add(source);
            ttls.add(ttl);
        }

        final List<String> kidChanges = new CopyOnWriteArrayList<>();

        @Override
        public void jwksFetchFailed(URI source, io.authgate.core.JwksFailure failure, String reason) {
            sources.add(source);
            failures.add(reason);
        }

        @Override
        public void jwksKeysChanged(URI source, java.util.Set<String> before, java.util.Set<String> after, int skipped) {
            kidChanges.add(new java.util.TreeSet<>(before) + " -> " + new java.util.TreeSet<>(after));
        }
    }

    @Nested
    class KeyIdChanges {
        @Test
        void theFirstKeysAndEachChangeOfKidsAreReportedOnceAndAnUnchangedRefreshIsNot() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a", "b"));
            CachedJwks jwks = cache(fetcher);
            assertKey(jwks.find("a"), "a");

            clock.advance(ofSeconds(101));
            assertKey(jwks.find("a"), "a"); // refreshed: the same kids

            fetcher.serve(fetched(ofSeconds(100), "b", "c"));
            clock.advance(ofSeconds(101));
            assertKey(jwks.find("c"), "c");

            assertThat(fetcher.fetches()).isEqualTo(3);
            assertThat(events.kidChanges).containsExactly("[] -> [a, b]", "[a, b] -> [b, c]");
        }
    }

    @Nested
    class Loading {
        @Test
        void firstLookupFetchesAndFindsTheKey() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);

            assertKey(jwks.find("a"), "a");
            assertThat(fetcher.fetches()).isEqualTo(1);
        }

        @Test
        void lookupsWithinTheTtlDoNotFetchAgain() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");

            clock.advance(ofSeconds(100));
            for (int i = 0; i < 10; i++) {
                assertKey(jwks.find("a"), "a");
            }
            assertThat(fetcher.fetches()).isEqualTo(1);
        }

        @Test
        void aSuccessfulFetchIsReportedWithItsSource() {
            CachedJwks jwks = cache(new FakeJwksFetcher(fetched(null, "a", "b")));
            jwks.find("a");

            assertThat(events.sources).containsExactly(FakeJwksFetcher.SOURCE);
            assertThat(events.failures).isEmpty();
        }

        @Test
        void aFailedFetchIsReportedWithItsReason() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            fetcher.fail();
            cache(fetcher).find("a");

            assertThat(events.failures).singleElement().asString().contains("JWKS endpoint is down");
        }

        @Test
        void preloadIsTrueWhenKeysLoad() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);

            assertThat(jwks.hasKeys()).isFalse();
            assertThat(jwks.preload()).isTrue();
            assertThat(jwks.hasKeys()).isTrue();
            assertThat(fetcher.fetches()).isEqualTo(1);
        }

        @Test
        void preloadIsFalseWhenTheFetchFails() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            fetcher.fail();
            CachedJwks jwks = cache(fetcher);

            assertThat(jwks.preload()).isFalse();
            assertThat(jwks.hasKeys()).isFalse();
        }

        @Test
        void hasKeysLastsUntilTheStaleIfErrorBound() {
            CachedJwks jwks = cache(new FakeJwksFetcher(fetched(ofSeconds(100), "a")));
            jwks.preload();

            clock.advance(ofSeconds(100 + 600).minusMillis(1));
            assertThat(jwks.hasKeys()).isTrue();
            clock.advance(ofMillis(1));
            assertThat(jwks.hasKeys()).isFalse();
        }
    }

    @Nested
    class Ttl {
        @Test
        void maxAgeWithinTheBoundsIsTheTtl() {
            cache(new FakeJwksFetcher(fetched(ofSeconds(120), "a"))).find("a");
            assertThat(events.ttls).containsExactly(ofSeconds(120));
        }

        @Test
        void maxAgeBelowTheMinimumIsRaisedToTheMinimum() {
            cache(new FakeJwksFetcher(fetched(ofSeconds(5), "a"))).find("a");
            assertThat(events.ttls).containsExactly(ofSeconds(30));
        }

        @Test
        void maxAgeZeroGetsTheMinimum() {
            cache(new FakeJwksFetcher(fetched(Duration.ZERO, "a"))).find("a");
            assertThat(events.ttls).containsExactly(ofSeconds(30));
        }

        @Test
        void maxAgeAboveTheMaximumIsLoweredToTheMaximum() {
            cache(new FakeJwksFetcher(fetched(ofDays(30), "a"))).find("a");
            assertThat(events.ttls).containsExactly(ofSeconds(3600));
        }

        @Test
        void noMaxAgeGetsTheDefaultTtl() {
            cache(new FakeJwksFetcher(fetched(null, "a"))).find("a");
            assertThat(events.ttls).containsExactly(ofSeconds(300));
        }

        @Test
        void aDefaultTtlOutsideTheBoundsIsClampedToo() {
            JwksSettings settings = new JwksSettings(ofSeconds(5), ofSeconds(30), ofSeconds(3600), ofSeconds(600),
                    ofSeconds(10), ofSeconds(2), ofSeconds(1));
            cache(new FakeJwksFetcher(fetched(null, "a")), settings).find("a");
            assertThat(events.ttls).containsExactly(ofSeconds(30));
        }

        @Test
        void keysServeUntilTheTtlAndNotAMomentLonger() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher, staleIfError(Duration.ZERO));
            jwks.find("a");
            fetcher.fail();

            clock.advance(ofSeconds(100).minusMillis(1));
            assertKey(jwks.find("a"), "a");
            clock.advance(ofMillis(1));
            assertThat(jwks.find("a")).isEqualTo(KeyLookup.Miss.UNAVAILABLE);
        }

        @Test
        void theClampedTtlDecidesExpiry() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(5), "a"));
            CachedJwks jwks = cache(fetcher, staleIfError(Duration.ZERO));
            jwks.find("a");
            fetcher.fail();

            clock.advance(ofSeconds(29));
            assertKey(jwks.find("a"), "a");
            clock.advance(ofSeconds(1));
            assertThat(jwks.find("a")).isEqualTo(KeyLookup.Miss.UNAVAILABLE);
        }
    }

    @Nested
    class RefreshAhead {
        @Test
        void noRefreshBefore80PercentOfTheTtl() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");

            clock.advance(ofSeconds(80).minusMillis(1));
            jwks.find("a");
            assertThat(fetcher.fetches()).isEqualTo(1);
        }

        @Test
        void at80PercentARefreshStartsAndTheRequestDoesNotWaitForIt() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher, waitTimeout(ofSeconds(5)));
            jwks.find("a");
            fetcher.hold();

            clock.advance(ofSeconds(80));
            long start = System.nanoTime();
            KeyLookup lookup = jwks.find("a");

            assertThat(millisSince(start)).isLessThan(1000);
            assertKey(lookup, "a");
            assertThat(fetcher.fetches()).isEqualTo(2);
            assertThat(fetcher.held(0)).isNotDone();
        }

        @Test
        void requestsDuringARunningRefreshDoNotStartAnother() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            fetcher.hold();

            clock.advance(ofSeconds(85));
            for (int i = 0; i < 5; i++) {
                assertKey(jwks.find("a"), "a");
            }
            assertThat(fetcher.fetches()).isEqualTo(2);
        }

        @Test
        void theBackgroundRefreshInstallsNewKeysWhenItCompletes() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            fetcher.hold();
            clock.advance(ofSeconds(80));
            jwks.find("a");

            fetcher.held(0).complete(fetched(ofSeconds(100), "a", "b"));

            assertKey(jwks.find("b"), "b");
            assertThat(fetcher.fetches()).isEqualTo(2);
        }

        @Test
        void aRefreshRestartsTheTtl() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher, staleIfError(Duration.ZERO));
            jwks.find("a");
            clock.advance(ofSeconds(80));
            jwks.find("a"); // refreshed at t=80, now valid until t=180
            fetcher.fail();

            clock.advance(ofSeconds(100).minusMillis(1));
            assertKey(jwks.find("a"), "a");
            assertThat(fetcher.fetches()).isGreaterThan(2);
        }
    }

    @Nested
    class Expiry {
        @Test
        void anExpiredSnapshotWaitsForTheRefreshAndUsesTheNewKeys() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher, waitTimeout(ofSeconds(5)));
            jwks.find("a");
            fetcher.serveAfter(ofMillis(150), fetched(ofSeconds(100), "b"));

            clock.advance(ofSeconds(100));
            long start = System.nanoTime();
            KeyLookup lookup = jwks.find("b");

            assertKey(lookup, "b");
            assertThat(millisSince(start)).isGreaterThanOrEqualTo(100);
            assertThat(fetcher.fetches()).isEqualTo(2);
        }

        @Test
        void anExpiredSnapshotServesItsKeysWhenTheRefreshFailsWithinStaleIfError() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            fetcher.fail();

            clock.advance(ofSeconds(100));
            assertKey(jwks.find("a"), "a");
            clock.advance(ofSeconds(600).minusMillis(1));
            assertKey(jwks.find("a"), "a");
        }

        @Test
        void anExpiredSnapshotStillKnowsOnlyItsOwnKids() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            fetcher.fail();

            clock.advance(ofSeconds(200));
            assertThat(jwks.find("other")).isEqualTo(KeyLookup.Miss.UNKNOWN_KID);
        }

        @Test
        void anExpiredSnapshotServesAKidItHoldsAtOnceWhileTheRefreshHangs() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            fetcher.hold();

            clock.advance(ofSeconds(100));
            CompletableFuture<KeyLookup> lookup = jwks.findAsync("a");
            clock.advance(ofSeconds(5)); // a second lookup while that refresh still hangs
            CompletableFuture<KeyLookup> again = jwks.findAsync("a");

            assertThat(lookup).as("answered without waiting for the refresh").isDone();
            assertKey(lookup.join(), "a");
            assertThat(again).isDone();
            assertKey(again.join(), "a");
            assertThat(fetcher.fetches()).as("one refresh, in the background").isEqualTo(2);
        }

        @Test
        void aRefreshThatLandsAfterAStaleAnswerReplacesTheKeys() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            fetcher.hold();
            clock.advance(ofSeconds(100));
            assertKey(jwks.find("a"), "a");

            fetcher.held(0).complete(fetched(ofSeconds(100), "b"));

            assertThat(jwks.find("a")).isEqualTo(KeyLookup.Miss.UNKNOWN_KID);
            assertKey(jwks.find("b"), "b");
        }

        @Test
        void anExpiredSnapshotStillWaitsBoundedForAKidItLacks() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher, waitTimeout(ofMillis(200)));
            jwks.find("a");
            fetcher.hold();

            clock.advance(ofSeconds(100));
            long start = System.nanoTime();
            KeyLookup lookup = jwks.find("b");

            assertThat(lookup).isEqualTo(KeyLookup.Miss.UNKNOWN_KID);
            assertThat(millisSince(start)).isBetween(150L, 1500L);
        }

        @Test
        void beyondStaleIfErrorTheKeysAreUnavailable() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            fetcher.fail();

            clock.advance(ofSeconds(100 + 600));
            assertThat(jwks.find("a")).isEqualTo(KeyLookup.Miss.UNAVAILABLE);
        }

        @Test
        void aRecoveredEndpointAfterStaleIfErrorServesKeysAgain() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            fetcher.fail();
            clock.advance(ofSeconds(800));
            jwks.find("a");

            fetcher.serve(fetched(ofSeconds(100), "a"));
            clock.advance(ofSeconds(1));
            assertKey(jwks.find("a"), "a");
        }
    }

    @Nested
    class NothingCached {
        @Test
        void aFailedFirstFetchIsUnavailable() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            fetcher.fail();

            assertThat(cache(fetcher).find("a")).isEqualTo(KeyLookup.Miss.UNAVAILABLE);
        }

        @Test
        void aFetcherThatThrowsInsteadOfFailingTheFutureIsUnavailable() {
            JwksFetcher throwing = new JwksFetcher() {
                @Override
                public java.util.concurrent.CompletableFuture<FetchedKeys> fetch() {
                    throw new IllegalStateException("cannot even start");
                }

                @Override
                public URI source() {
                    return FakeJwksFetcher.SOURCE;
                }
            };
            CachedJwks jwks = new CachedJwks(throwing, SETTINGS, clock, events);

            assertThat(jwks.find("a")).isEqualTo(KeyLookup.Miss.UNAVAILABLE);
            assertThat(events.failures).singleElement().asString().contains("cannot even start");
        }

        @Test
        void aSlowFirstFetchIsUnavailableWithinTheWaitTimeoutNotTheFetchTime() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            fetcher.serveAfter(ofSeconds(5), fetched(null, "a"));
            CachedJwks jwks = cache(fetcher, waitTimeout(ofMillis(300)));

            long start = System.nanoTime();
            KeyLookup lookup = jwks.find("a");

            assertThat(lookup).isEqualTo(KeyLookup.Miss.UNAVAILABLE);
            assertThat(millisSince(start)).isBetween(250L, 2000L);
        }

        @Test
        void aZeroWaitTimeoutAnswersAtOnce() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            fetcher.hold();
            CachedJwks jwks = cache(fetcher, waitTimeout(Duration.ZERO));

            long start = System.nanoTime();
            assertThat(jwks.find("a")).isEqualTo(KeyLookup.Miss.UNAVAILABLE);
            assertThat(millisSince(start)).isLessThan(500);
        }

        @Test
        void concurrentColdMissesCoalesceIntoOneFetch() throws Exception {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            fetcher.hold();
            CachedJwks jwks = cache(fetcher, waitTimeout(ofSeconds(10)));
            int n = 50;
            List<KeyLookup> results = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> results.add(jwks.find("a")));
                threads.add(t);
                t.start();
            }
            // Every thread is parked on the one pending fetch before it completes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!threads.stream().allMatch(CachedJwksTest::parked) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(threads).allMatch(CachedJwksTest::parked);

            fetcher.held(0).complete(fetched(null, "a"));
            for (Thread t : threads) {
                t.join(5000);
            }

            assertThat(fetcher.fetches()).isEqualTo(1);
            assertThat(results).hasSize(n).allSatisfy(r -> assertKey(r, "a"));
        }
    }

    @Nested
    class Backoff {
        @Test
        void afterAFailedFetchNoNewFetchStartsWithinOneSecond() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            fetcher.fail();
            CachedJwks jwks = cache(fetcher);

            jwks.find("a");
            jwks.find("a");
            clock.advance(ofMillis(999));
            assertThat(jwks.find("a")).isEqualTo(KeyLookup.Miss.UNAVAILABLE);
            assertThat(fetcher.fetches()).isEqualTo(1);
        }

        @Test
        void aFailureIsAnsweredAtOnceDuringTheBackoff() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            fetcher.fail();
            CachedJwks jwks = cache(fetcher, waitTimeout(ofSeconds(5)));
            jwks.find("a");

            long start = System.nanoTime();
            assertThat(jwks.find("a")).isEqualTo(KeyLookup.Miss.UNAVAILABLE);
            assertThat(millisSince(start)).isLessThan(1000);
        }

        @Test
        void oneSecondAfterAFailureTheNextLookupFetchesAgain() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            fetcher.fail();
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");

            fetcher.serve(fetched(null, "a"));
            clock.advance(CachedJwks.RETRY_BACKOFF);
            assertKey(jwks.find("a"), "a");
            assertThat(fetcher.fetches()).isEqualTo(2);
        }

        @Test
        void anUnknownKidDuringTheBackoffDoesNotUseUpTheUnknownKidRefresh() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            clock.advance(ofSeconds(300)); // expired: the next lookup refreshes, and that fails
            fetcher.fail();
            jwks.find("a");
            assertThat(fetcher.fetches()).isEqualTo(2);

            assertThat(jwks.find("b")).as("during the backoff").isEqualTo(KeyLookup.Miss.UNKNOWN_KID);
            assertThat(fetcher.fetches()).isEqualTo(2);

            fetcher.serve(fetched(null, "a", "b"));
            clock.advance(CachedJwks.RETRY_BACKOFF);
            assertKey(jwks.find("b"), "b");
        }

        @Test
        void theBackoffIsOneSecond() {
            assertThat(CachedJwks.RETRY_BACKOFF).isEqualTo(ofSeconds(1));
        }
    }

    @Nested
    class UnknownKid {
        @Test
        void anUnknownKidRefreshesOnce() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");

            assertThat(jwks.find("x")).isEqualTo(KeyLookup.Miss.UNKNOWN_KID);
            assertThat(fetcher.fetches()).isEqualTo(2);
        }

        @Test
        void furtherUnknownKidsWithinTheIntervalDoNotRefresh() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            jwks.find("x");

            assertThat(jwks.find("y")).isEqualTo(KeyLookup.Miss.UNKNOWN_KID);
            clock.advance(ofSeconds(10).minusMillis(1));
            assertThat(jwks.find("z")).isEqualTo(KeyLookup.Miss.UNKNOWN_KID);
            assertThat(fetcher.fetches()).isEqualTo(2);
        }

        @Test
        void anUnknownKidRefreshesAgainOnceTheIntervalHasPassed() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            jwks.find("x");

            clock.advance(ofSeconds(10));
            jwks.find("y");
            assertThat(fetcher.fetches()).isEqualTo(3);
        }

        @Test
        void aRotatedKeyIsFoundAfterTheUnknownKidRefresh() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");

            fetcher.serve(fetched(null, "b", "a"));
            assertKey(jwks.find("b"), "b");
            assertKey(jwks.find("a"), "a");
            assertThat(fetcher.fetches()).isEqualTo(2);
        }

        @Test
        void anUnknownKidWhileTheEndpointIsDownIsUnknownNotUnavailable() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            fetcher.fail();

            assertThat(jwks.find("x")).isEqualTo(KeyLookup.Miss.UNKNOWN_KID);
            assertKey(jwks.find("a"), "a");
        }

        @Test
        void anUnknownKidStormCausesExactlyOneFetch() throws Exception {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            jwks.find("a");
            fetcher.serveAfter(ofMillis(50), fetched(null, "a"));

            int n = 200;
            CountDownLatch go = new CountDownLatch(1);
            List<KeyLookup> results = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    results.add(jwks.find(UUID.randomUUID().toString()));
                });
                threads.add(t);
                t.start();
            }
            go.countDown();
            for (Thread t : threads) {
                t.join(5000);
            }

            assertThat(results).hasSize(n).containsOnly(KeyLookup.Miss.UNKNOWN_KID);
            assertThat(fetcher.fetches()).isEqualTo(2);
        }
    }

    @Nested
    class KeysRemoved {
        @Test
        void theCallbackRunsWhenARefreshDropsAKid() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a", "b"));
            CachedJwks jwks = cache(fetcher);
            AtomicInteger removals = new AtomicInteger();
            jwks.onKeysRemoved(removals::incrementAndGet);
            jwks.find("a");

            fetcher.serve(fetched(null, "a"));
            clock.advance(ofSeconds(300));
            jwks.find("a");

            assertThat(removals).hasValue(1);
        }

        @Test
        void theCallbackRunsWhenEveryKeyIsReplaced() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            AtomicInteger removals = new AtomicInteger();
            jwks.onKeysRemoved(removals::incrementAndGet);
            jwks.find("a");

            fetcher.serve(fetched(null, "b"));
            jwks.find("b");

            assertThat(removals).hasValue(1);
        }

        @Test
        void everyRegisteredCallbackRuns() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            AtomicInteger first = new AtomicInteger();
            AtomicInteger second = new AtomicInteger();
            jwks.onKeysRemoved(first::incrementAndGet);
            jwks.onKeysRemoved(second::incrementAndGet);
            jwks.find("a");

            fetcher.serve(fetched(null, "b"));
            jwks.find("b");

            assertThat(first).hasValue(1);
            assertThat(second).hasValue(1);
        }

        @Test
        void aCallbackThatThrowsDoesNotStopTheOthers() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            AtomicInteger second = new AtomicInteger();
            jwks.onKeysRemoved(() -> {
                throw new IllegalStateException("boom");
            });
            jwks.onKeysRemoved(second::incrementAndGet);
            jwks.find("a");

            fetcher.serve(fetched(null, "b"));
            jwks.find("b");

            assertThat(second).hasValue(1);
        }

        @Test
        void prefetchRefreshesDueKeysSoRemovalsAreSeenWithoutACacheMiss() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a", "b"));
            CachedJwks jwks = cache(fetcher);
            AtomicInteger removals = new AtomicInteger();
            jwks.onKeysRemoved(removals::incrementAndGet);
            jwks.find("a");

            jwks.prefetch();
            assertThat(fetcher.fetches()).as("fresh keys are not refetched").isEqualTo(1);

            fetcher.serve(fetched(null, "a"));
            clock.advance(ofSeconds(240)); // 80% of the 300 s TTL
            jwks.prefetch();
            assertThat(fetcher.fetches()).isEqualTo(2);
            assertThat(removals).hasValue(1);
        }

        @Test
        void theCallbackDoesNotRunOnTheFirstLoad() {
            CachedJwks jwks = cache(new FakeJwksFetcher(fetched(null, "a")));
            AtomicInteger removals = new AtomicInteger();
            jwks.onKeysRemoved(removals::incrementAndGet);

            jwks.find("a");

            assertThat(removals).hasValue(0);
        }

        @Test
        void theCallbackDoesNotRunWhenARefreshOnlyAddsKeys() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            AtomicInteger removals = new AtomicInteger();
            jwks.onKeysRemoved(removals::incrementAndGet);
            jwks.find("a");

            fetcher.serve(fetched(null, "a", "b"));
            jwks.find("b");

            assertThat(removals).hasValue(0);
        }

        @Test
        void theCallbackDoesNotRunWhenARefreshKeepsTheSameKeys() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a", "b"));
            CachedJwks jwks = cache(fetcher);
            AtomicInteger removals = new AtomicInteger();
            jwks.onKeysRemoved(removals::incrementAndGet);
            jwks.find("a");

            clock.advance(ofSeconds(300));
            jwks.find("a");

            assertThat(fetcher.fetches()).isEqualTo(2);
            assertThat(removals).hasValue(0);
        }

        @Test
        void theCallbackDoesNotRunWhenARefreshFails() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(null, "a"));
            CachedJwks jwks = cache(fetcher);
            AtomicInteger removals = new AtomicInteger();
            jwks.onKeysRemoved(removals::incrementAndGet);
            jwks.find("a");

            fetcher.fail();
            clock.advance(ofSeconds(300));
            jwks.find("a");

            assertThat(removals).hasValue(0);
        }
    }

    @Nested
    class FailingListeners {
        private final AuthgateEvents throwingOnFetch = new AuthgateEvents() {
            @Override
            public void jwksFetched(URI source, int keys, int skipped, Duration ttl) {
                throw new IllegalStateException("metrics registry broke");
            }
        };

        @Test
        void aListenerThatThrowsDoesNotStopLaterRefreshes() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = new CachedJwks(fetcher, waitTimeout(ofMillis(200)), clock, throwingOnFetch);
            jwks.find("a");

            fetcher.serve(fetched(ofSeconds(100), "b"));
            clock.advance(ofSeconds(100));
            assertKey(jwks.find("b"), "b");
            assertThat(fetcher.fetches()).isEqualTo(2);
        }

        @Test
        void aListenerThatThrowsDoesNotHideTheKeysJustFetched() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = new CachedJwks(fetcher, waitTimeout(ofMillis(200)), clock, throwingOnFetch);

            assertKey(jwks.find("a"), "a");
        }

        @Test
        void aListenerThatThrowsDoesNotStopTheKeysRemovedCallback() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = new CachedJwks(fetcher, waitTimeout(ofMillis(200)), clock, throwingOnFetch);
            AtomicInteger removals = new AtomicInteger();
            jwks.onKeysRemoved(removals::incrementAndGet);
            jwks.find("a");

            fetcher.serve(fetched(ofSeconds(100), "b"));
            jwks.find("b");

            assertThat(removals).hasValue(1);
        }

        @Test
        void aKeysRemovedCallbackThatThrowsDoesNotStopLaterRefreshes() {
            FakeJwksFetcher fetcher = new FakeJwksFetcher(fetched(ofSeconds(100), "a"));
            CachedJwks jwks = cache(fetcher, waitTimeout(ofMillis(200)));
            jwks.onKeysRemoved(() -> {
                throw new IllegalStateException("callback broke");
            });
            jwks.find("a");
            fetcher.serve(fetched(ofSeconds(100), "b"));
            jwks.find("b");

            fetcher.serve(fetched(ofSeconds(100), "c"));
            clock.advance(ofSeconds(100));
            assertKey(jwks.find("c"), "c");
            assertThat(fetcher.fetches()).isEqualTo(3);
        }
    }

    private static Duration ofDays(long days) {
        return Duration.ofDays(days);
    }
}

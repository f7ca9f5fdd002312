package io.authgate.core.remote;

import io.authgate.core.AuthgateEvents;
import io.authgate.core.config.OnError;
import io.authgate.core.config.ResolverSettings;
import io.authgate.core.credentials.SessionCookie;
import io.authgate.testkit.HeapAfterGc;
import io.authgate.testkit.StandInSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * (Issue 10, item 1) The resolver-answer cache's weigher against the heap, as for verified tokens:
 * what a cached session and a cached "no session" take, measured after full collections. The answers
 * are read from headers as Authgear writes them ({@link ResolverAnswer#read}); the client answers at
 * once, since what is weighed is the cache, not the call.
 */
class AnswerCacheWeightTest {
    private static final int SESSIONS = 20_000;

    private static ResolverSettings settings(long cacheBytes) {
        return new ResolverSettings(URI.create("https://myapp.authgear.cloud/_resolver/resolve"), "myapp.authgear.cloud",
                Duration.ofSeconds(5), Duration.ofSeconds(600), Duration.ofSeconds(600), cacheBytes, 256, 1024, OnError.DENY);
    }

    /** Each call answers as Authgear would for a session of its own user (or for no session at all). */
    private static ResolverClient authgear(boolean valid) {
        return (credential, timeout) -> {
            if (!valid) {
                return CompletableFuture.completedFuture(RemoteSession.NONE);
            }
            Map<String, String> headers = StandInSession.defaultUser().withUserId(UUID.randomUUID().toString()).headers();
            return CompletableFuture.completedFuture(ResolverAnswer.read(name -> headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()));
        };
    }

    private static RemoteCredential cookie() {
        return RemoteCredential.cookies(List.of(new SessionCookie("app_session", UUID.randomUUID().toString())));
    }

    /** Bytes per entry: {measured on the heap, as weighed}. */
    private static double[] fill(RemoteSessions sessions, int n) throws Exception {
        for (int i = 0; i < 100; i++) {
            sessions.resolve(cookie()).join();
        }
        long before = HeapAfterGc.liveBytesHere();
        long weightBefore = sessions.weightedBytes();
        long sizeBefore = sessions.size();
        for (int i = 0; i < n; i++) {
            assertThat(sessions.resolve(cookie()).join()).isNotNull();
        }
        assertThat(sessions.size() - sizeBefore).isEqualTo(n);
        long after = HeapAfterGc.liveBytesHere();
        return new double[] {(after - before) / (double) n, (sessions.weightedBytes() - weightBefore) / (double) n};
    }

    @ParameterizedTest(name = "a session: {0}")
    @ValueSource(booleans = {true, false})
    void aCachedAnswerWeighsWhatItTakesOnTheHeap(boolean session) throws Exception {
        RemoteSessions sessions = new RemoteSessions(authgear(session), settings(1L << 30), Clock.systemUTC(), AuthgateEvents.NONE);

        double[] perEntry = fill(sessions, SESSIONS);

        System.out.printf(Locale.ROOT, "[resolver cache] %d %s: %.0f bytes per entry on the heap, %.0f as weighed%n",
                SESSIONS, session ? "sessions" : "unknown cookies", perEntry[0], perEntry[1]);
        assertThat(perEntry[1]).as("weighed vs measured bytes per entry").isBetween(perEntry[0] * 0.95, perEntry[0] * 1.15);
        assertThat(perEntry[0]).as("the old count key reads an entry as 1 KiB").isLessThan(1024);
    }

    @Test
    void theCacheStaysWithinItsBudget() {
        long budget = 1L << 20;
        RemoteSessions sessions = new RemoteSessions(authgear(true), settings(budget), Clock.systemUTC(), AuthgateEvents.NONE);
        for (int i = 0; i < 10_000; i++) {
            sessions.resolve(cookie()).join();
        }
        assertThat(sessions.weightedBytes()).isLessThanOrEqualTo(budget);
        assertThat(sessions.size()).as("about budget / weight").isBetween(1_000L, 3_000L);
    }
}

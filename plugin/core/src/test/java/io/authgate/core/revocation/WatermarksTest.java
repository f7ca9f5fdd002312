package io.authgate.core.revocation;

import io.authgate.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.authgate.core.revocation.WebhookEvent.Effect.BLOCKED;
import static io.authgate.core.revocation.WebhookEvent.Effect.SESSIONS_ENDED;
import static io.authgate.core.revocation.WebhookEvent.Effect.UNBLOCKED;
import static org.assertj.core.api.Assertions.assertThat;

class WatermarksTest {
    private static final long T = 1_800_000_000L;
    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(T));
    private final Watermarks marks = new Watermarks(Duration.ofHours(1), 1000, clock);

    private long now() {
        return clock.millis() / 1000;
    }

    private static WebhookEvent ev(String user, WebhookEvent.Effect effect, long at, long seq) {
        String type = switch (effect) {
            case SESSIONS_ENDED -> "user.signed_out";
            case BLOCKED -> "user.disabled";
            case UNBLOCKED -> "user.reenabled";
        };
        return new WebhookEvent("ev-" + seq, seq, type, at, user, effect);
    }

    @Test
    void anEmptyTableRevokesNothing() {
        assertThat(marks.revokes("u1", T - 10, now())).isFalse();
        assertThat(marks.blocks("u1", now())).isFalse();
        assertThat(marks.active()).isZero();
    }

    @Test
    void signedOutRefusesTokensIssuedBeforeTheEventOnly() {
        assertThat(marks.apply(ev("u1", SESSIONS_ENDED, T, 1))).isEqualTo(Watermarks.Outcome.APPLIED);
        assertThat(marks.revokes("u1", T - 1, now())).isTrue();
        assertThat(marks.revokes("u1", T, now())).as("iat = T is after the sign-out's second").isFalse();
        assertThat(marks.revokes("u1", T + 5, now())).isFalse();
        assertThat(marks.revokes("u2", T - 1, now())).as("another user").isFalse();
        assertThat(marks.revokes("u1", io.authgate.core.jwt.AccessToken.ABSENT, now())).as("a token without iat").isTrue();
        assertThat(marks.blocks("u1", now())).isFalse();
    }

    @Test
    void theWatermarkOnlyRises() {
        marks.apply(ev("u1", SESSIONS_ENDED, T, 2));
        marks.apply(ev("u1", SESSIONS_ENDED, T - 100, 1)); // late
        assertThat(marks.revokes("u1", T - 1, now())).isTrue();
    }

    @Test
    void duplicatesChangeNothing() {
        WebhookEvent e = ev("u1", SESSIONS_ENDED, T, 1);
        assertThat(marks.apply(e)).isEqualTo(Watermarks.Outcome.APPLIED);
        assertThat(marks.apply(e)).isEqualTo(Watermarks.Outcome.UNCHANGED);
        assertThat(marks.active()).isEqualTo(1);
        WebhookEvent block = ev("u2", BLOCKED, T, 2);
        marks.apply(block);
        assertThat(marks.apply(block)).isEqualTo(Watermarks.Outcome.UNCHANGED);
        assertThat(marks.blocks("u2", now())).isTrue();
    }

    @Test
    void disabledRefusesEveryTokenUntilReenabled() {
        marks.apply(ev("u1", BLOCKED, T, 1));
        assertThat(marks.blocks("u1", now())).isTrue();
        assertThat(marks.revokes("u1", T + 30, now())).as("even one issued after").isTrue();
        clock.advance(Duration.ofSeconds(60));
        marks.apply(ev("u1", UNBLOCKED, T + 60, 2));
        assertThat(marks.blocks("u1", now())).isFalse();
        assertThat(marks.revokes("u1", T + 30, now())).isFalse();
        assertThat(marks.revokes("u1", T - 1, now())).as("tokens from before the disable stay refused: they refresh").isTrue();
    }

    @Test
    void aLateReenableOlderThanTheDisableIsIgnored() {
        marks.apply(ev("u1", BLOCKED, T, 5));
        assertThat(marks.apply(ev("u1", UNBLOCKED, T - 30, 4))).isEqualTo(Watermarks.Outcome.UNCHANGED);
        assertThat(marks.blocks("u1", now())).isTrue();
    }

    @Test
    void aLateDisableOlderThanTheReenableDoesNotBlockAgain() {
        marks.apply(ev("u1", UNBLOCKED, T, 5));
        marks.apply(ev("u1", BLOCKED, T - 30, 4));
        assertThat(marks.blocks("u1", now())).isFalse();
        assertThat(marks.revokes("u1", T - 31, now())).as("its watermark still holds").isTrue();
    }

    @Test
    void withinOneSecondSeqDecides() {
        marks.apply(ev("u1", UNBLOCKED, T, 9));
        marks.apply(ev("u1", BLOCKED, T, 8));
        assertThat(marks.blocks("u1", now())).isFalse();
        marks.apply(ev("u2", BLOCKED, T, 9));
        marks.apply(ev("u2", UNBLOCKED, T, 8));
        assertThat(marks.blocks("u2", now())).isTrue();
    }

    @Test
    void entriesExpireAfterTheLongestTokenLifetime() {
        marks.apply(ev("u1", SESSIONS_ENDED, T, 1));
        marks.apply(ev("u2", BLOCKED, T, 2));
        clock.advance(Duration.ofSeconds(3599));
        assertThat(marks.revokes("u1", T - 1, now())).isTrue();
        assertThat(marks.blocks("u2", now())).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(marks.revokes("u1", T - 1, now())).isFalse();
        assertThat(marks.blocks("u2", now())).isFalse();
        assertThat(marks.active()).as("expired entries are purged").isZero();
    }

    @Test
    void anEventOlderThanTheLifetimeIsStale() {
        assertThat(marks.apply(ev("u1", SESSIONS_ENDED, T - 3600, 1))).isEqualTo(Watermarks.Outcome.STALE);
        assertThat(marks.active()).isZero();
    }

    /**
     * An event dated far ahead (a broken Authgear clock, or anyone with the secret) must not hold a
     * table slot for years: it counts as dated {@value Watermarks#FUTURE_TOLERANCE_SECONDS} s ahead.
     */
    @Test
    void anEventDatedFarAheadIsKeptNoLongerThanOneDatedAtTheTolerance() {
        long tenYears = 10L * 365 * 86_400;
        assertThat(marks.apply(ev("u1", BLOCKED, T + tenYears, 1))).isEqualTo(Watermarks.Outcome.APPLIED);
        assertThat(marks.blocks("u1", now())).as("it still revokes").isTrue();
        assertThat(marks.revokes("u1", T + Watermarks.FUTURE_TOLERANCE_SECONDS - 1, now())).isTrue();
        clock.advance(Duration.ofSeconds(3600 + Watermarks.FUTURE_TOLERANCE_SECONDS + 1));
        assertThat(marks.active()).as("gone after the lifetime past the tolerance").isZero();
        assertThat(marks.blocks("u1", now())).isFalse();
    }

    @Test
    void theTableIsCappedAndKeepsWhatItHolds() {
        Watermarks small = new Watermarks(Duration.ofHours(1), 3, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(small.apply(ev("u" + i, SESSIONS_ENDED, T, i))).isEqualTo(Watermarks.Outcome.APPLIED);
        }
        assertThat(small.apply(ev("u3", SESSIONS_ENDED, T, 3))).isEqualTo(Watermarks.Outcome.FULL);
        assertThat(small.active()).isEqualTo(3);
        assertThat(small.revokes("u3", T - 1, now())).isFalse();
        assertThat(small.revokes("u0", T - 1, now())).as("nothing held is evicted").isTrue();
        assertThat(small.apply(ev("u0", BLOCKED, T, 4))).as("a user already held still updates").isEqualTo(Watermarks.Outcome.APPLIED);
        clock.advance(Duration.ofHours(1));
        assertThat(small.apply(ev("u3", SESSIONS_ENDED, T + 3600, 5))).as("room once expired ones go").isEqualTo(Watermarks.Outcome.APPLIED);
    }

    /**
     * Authgear fires user.disabled at once even for a period that starts later, and ends a temporary
     * disable with no event (authgear-server pkg/lib/facade/coordinator.go, UserDisable).
     */
    @Test
    void aTemporaryDisableBlocksOnlyWithinItsPeriod() {
        WebhookEvent later = new WebhookEvent("ev-1", 1, "user.disabled", T, "u1", BLOCKED, T + 60, T + 120);
        marks.apply(later);
        assertThat(marks.blocks("u1", now())).as("not yet").isFalse();
        assertThat(marks.revokes("u1", T - 5, now())).as("nothing was terminated yet").isFalse();
        clock.advance(Duration.ofSeconds(60));
        assertThat(marks.blocks("u1", now())).isTrue();
        assertThat(marks.revokes("u1", T + 30, now())).isTrue();
        clock.advance(Duration.ofSeconds(60));
        assertThat(marks.blocks("u1", now())).as("the period ended: Authgear sends no event for that").isFalse();
        assertThat(marks.revokes("u1", T + 30, now())).isFalse();
    }

    @Test
    void aDisableStartingLaterIsKeptUntilItsStartPlusTheLifetime() {
        marks.apply(new WebhookEvent("ev-1", 1, "user.disabled", T, "u1", BLOCKED, T + 7200, WebhookEvent.NO_END));
        clock.advance(Duration.ofSeconds(7200 + 3599));
        assertThat(marks.blocks("u1", now())).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(marks.active()).isZero();
    }

    @Test
    void listenersHearTheUserOfEachChange() {
        List<String> heard = new ArrayList<>();
        marks.onChange(heard::add);
        marks.apply(ev("u1", SESSIONS_ENDED, T, 1));
        marks.apply(ev("u1", SESSIONS_ENDED, T, 1));
        marks.apply(ev("u2", BLOCKED, T, 2));
        assertThat(heard).containsExactly("u1", "u2");
    }
}

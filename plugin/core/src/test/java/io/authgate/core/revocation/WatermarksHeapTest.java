package io.authgate.core.revocation;

import io.authgate.testkit.HeapAfterGc;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the README says a watermark weighs: measured, with Authgear's user ids (UUIDs, 36 characters),
 * as the live heap after a full collection with the table at the default cap of 100,000 users.
 */
class WatermarksHeapTest {
    static final int USERS = 100_000;
    /** The README's estimate per user: the map node and table slot, the id string, the mark. */
    static final long BYTES_PER_ENTRY_AT_MOST = 256;

    @Test
    void aFullDefaultTableTakesAtMostItsEstimate() throws Exception {
        Clock clock = Clock.systemUTC();
        long now = clock.millis() / 1000;
        String[] ids = new String[USERS];
        for (int i = 0; i < USERS; i++) {
            ids[i] = UUID.randomUUID().toString();
        }
        // Each event brings its own copy of the id (as a parsed body does); the originals, kept, are not counted.
        long before = HeapAfterGc.liveBytesHere();
        Watermarks marks = new Watermarks(Duration.ofHours(1), USERS, clock);
        for (int i = 0; i < USERS; i++) {
            marks.apply(new WebhookEvent("e" + i, i, "user.signed_out", now, new String(ids[i].toCharArray()), WebhookEvent.Effect.SESSIONS_ENDED));
        }
        assertThat(marks.active()).isEqualTo(USERS);
        long after = HeapAfterGc.liveBytesHere();
        long perEntry = (after - before) / USERS;
        System.out.println("watermarks: " + perEntry + " bytes per user, " + (after - before) / 1024 + " KiB for " + USERS);
        assertThat(perEntry).isLessThanOrEqualTo(BYTES_PER_ENTRY_AT_MOST);
        assertThat(marks.revokes(ids[0], now - 1, now)).isTrue(); // keeps the table (and ids) reachable to here
    }
}

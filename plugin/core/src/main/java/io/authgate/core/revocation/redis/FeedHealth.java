package io.authgate.core.revocation.redis;

import io.authgate.core.AuthgateEvents;

import java.util.List;

/**
 * Whether the feed's two sides (the reader, the publisher) last reached Redis, for the alarm gauge,
 * and each success and failure reported to the core's events (which say "failing" and "recovered"
 * once each, see {@code StateChanges}). The reader is down until it first reads; the publisher is up
 * until a publish fails (it connects only when there is something to publish), and again once it
 * succeeds or the reader reconnects after an outage.
 */
final class FeedHealth {
    private final AuthgateEvents events;
    private volatile boolean readerUp;
    private volatile boolean publisherUp = true;

    FeedHealth(AuthgateEvents events) {
        this.events = AuthgateEvents.all(List.of(events)); // guarded: a listener that throws stops neither side
    }

    void readerUp() {
        if (!readerUp) {
            // Redis answers again: a publish that failed while it was down says nothing about now,
            // and the publisher connects afresh for its next event. Without this the alarm would stay
            // raised until an event happened to come. A publisher failing on its own (the reader never
            // down) still holds the alarm until one of its appends succeeds.
            publisherUp = true;
        }
        readerUp = true;
        events.revocationFeedUp();
    }

    void readerFailed(RedisException e) {
        readerUp = false;
        events.revocationFeedFailed(e.failure(), e.getMessage());
    }

    void publisherUp() {
        publisherUp = true;
        events.revocationFeedUp();
    }

    void publisherFailed(RedisException e) {
        publisherUp = false;
        events.revocationFeedFailed(e.failure(), e.getMessage());
    }

    boolean up() {
        return readerUp && publisherUp;
    }
}

package io.authgate.core.revocation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Per user, what Authgear's events revoked: tokens issued before a time ({@code iat} &lt; T, after a
 * sign-out, a session terminated, a disable), and whether every token is refused (disabled, deleted,
 * anonymized, until re-enabled). Events arrive late and twice: marks only rise, and a block or an
 * unblock applies only when it is newer, by Authgear's order (its time, then its seq), than the last
 * one applied. So applying an event again, or out of order, ends in the same state.
 *
 * <p>Bounded by active revocations, not users: an entry is kept {@code keep} after its newest event
 * (the longest token lifetime plus the clock skew a token is accepted with past its {@code exp}, so
 * every token it refuses is refused as expired by then, and a blocked user is issued no new one),
 * and an event older than that changes nothing. The keep and the cap follow the project's
 * configurations ({@link #resize}). A hard cap on entries keeps a flood of events from
 * taking the heap: at the cap a new user's event is {@link Outcome#FULL} (the receiver answers 503
 * so it is delivered again), and nothing held is evicted. Thread-safe; lookups take no lock.
 */
public final class Watermarks implements Revocations {

    public enum Outcome {
        /** The user's state changed. */
        APPLIED,
        /** A duplicate, or an event older than what the user's state already holds. */
        UNCHANGED,
        /** Older than the keep: every token it could refuse is refused as expired. */
        STALE,
        /** The table is at its cap and this user is not in it: not applied. */
        FULL
    }

    /**
     * One user's state. Immutable, replaced whole.
     *
     * @param revokedBefore tokens with {@code iat} below this give no session
     * @param blockedAt     time and seq of the last block or unblock applied ({@link Long#MIN_VALUE}: none)
     * @param blockFrom     the block holds from this time ({@link WebhookEvent#NO_START}: since it was applied)
     * @param blockUntil    and until this one ({@link WebhookEvent#NO_END}: until an unblock)
     * @param keepFrom      the time the entry is kept {@code keep} after: its newest event, or a later block start
     */
    private record Mark(long revokedBefore, boolean blocked, long blockedAt, long blockedSeq, long blockFrom, long blockUntil,
                        long keepFrom) {
        static final Mark NONE = new Mark(Long.MIN_VALUE, false, Long.MIN_VALUE, Long.MIN_VALUE, WebhookEvent.NO_START,
                WebhookEvent.NO_END, Long.MIN_VALUE);

        Mark with(WebhookEvent e) {
            long keep = Math.max(keepFrom, e.timestamp());
            return switch (e.effect()) {
                case SESSIONS_ENDED -> new Mark(Math.max(revokedBefore, e.timestamp()), blocked, blockedAt, blockedSeq, blockFrom, blockUntil, keep);
                case BLOCKED -> {
                    // A disable in force when made ended the user's sessions then (Authgear terminates them).
                    long before = e.inForceWhenMade() ? Math.max(revokedBefore, e.timestamp()) : revokedBefore;
                    if (!e.isAfter(blockedAt, blockedSeq)) {
                        yield new Mark(before, blocked, blockedAt, blockedSeq, blockFrom, blockUntil, keep);
                    }
                    long keepBlock = e.from() == WebhookEvent.NO_START ? keep : Math.max(keep, e.from());
                    yield new Mark(before, true, e.timestamp(), e.seq(), e.from(), e.until(), keepBlock);
                }
                case UNBLOCKED -> e.isAfter(blockedAt, blockedSeq)
                        ? new Mark(revokedBefore, false, e.timestamp(), e.seq(), WebhookEvent.NO_START, WebhookEvent.NO_END, keep)
                        : new Mark(revokedBefore, blocked, blockedAt, blockedSeq, blockFrom, blockUntil, keep);
            };
        }

        boolean blocksAt(long now) {
            return blocked && now >= blockFrom && now < blockUntil;
        }

        boolean refuses(long issuedAt, long now) {
            return issuedAt < revokedBefore || blocksAt(now);
        }
    }

    /** Purge expired entries at least this often while events come (and on every gauge read). */
    private static final long PURGE_EVERY_SECONDS = 60;

    /**
     * An event dated later than this past this node's clock counts as dated here: a broken Authgear
     * clock, or anyone with the secret, cannot make an entry outlive the lifetime by years (it still
     * revokes every token issued up to then). Authgear and its gateways run NTP; 5 minutes is far past drift.
     */
    public static final long FUTURE_TOLERANCE_SECONDS = 300;

    // Volatile, not final: the project's configurations can change them (resize); one plain load on x86.
    private volatile long keepSeconds;
    private volatile int maxEntries;
    private final Clock clock;
    private final ConcurrentHashMap<String, Mark> marks = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private volatile long nextPurge = Long.MIN_VALUE;

    /** @param keep how long an entry is kept after its newest event (see the class) */
    public Watermarks(Duration keep, int maxEntries, Clock clock) {
        this.keepSeconds = keep.toSeconds();
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /**
     * Keeps entries this long and caps them here from now on. Below the current cap nothing held is
     * evicted: new users' events are {@link Outcome#FULL} until expiries bring the table under it.
     */
    public void resize(Duration keep, int maxEntries) {
        this.keepSeconds = keep.toSeconds();
        this.maxEntries = maxEntries;
    }

    /** Hears the user id of every change applied (to drop what is cached of that user). */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    public Outcome apply(WebhookEvent given) {
        long now = nowSeconds();
        WebhookEvent event = given.timestamp() > now + FUTURE_TOLERANCE_SECONDS ? given.datedAt(now + FUTURE_TOLERANCE_SECONDS) : given;
        if (event.timestamp() + keepSeconds <= now) {
            return Outcome.STALE;
        }
        if (now >= nextPurge || marks.size() >= maxEntries) {
            purge(now);
        }
        Outcome[] outcome = new Outcome[1];
        marks.compute(event.userId(), (user, held) -> {
            Mark old = held == null || expired(held, now) ? null : held;
            if (old == null && marks.size() >= maxEntries) {
                outcome[0] = Outcome.FULL;
                return held;
            }
            Mark next = (old == null ? Mark.NONE : old).with(event);
            outcome[0] = next.equals(old) ? Outcome.UNCHANGED : Outcome.APPLIED;
            return next;
        });
        if (outcome[0] == Outcome.APPLIED) {
            listeners.forEach(l -> l.accept(event.userId()));
        }
        return outcome[0];
    }

    @Override
    public boolean revokes(String userId, long issuedAt, long nowSeconds) {
        Mark mark = marks.get(userId); // on an empty table as cheap as asking isEmpty() first
        return mark != null && mark.refuses(issuedAt, nowSeconds) && !expired(mark, nowSeconds);
    }

    /** A block refuses a token issued at any time, so it is what refuses one issued at the end of time. */
    @Override
    public boolean blocks(String userId, long nowSeconds) {
        return revokes(userId, Long.MAX_VALUE, nowSeconds);
    }

    /** Users with an active watermark (expired ones are purged first): the gauge. */
    public int active() {
        purge(nowSeconds());
        return marks.size();
    }

    public int maxEntries() {
        return maxEntries;
    }

    private void purge(long now) {
        nextPurge = now + PURGE_EVERY_SECONDS;
        marks.values().removeIf(m -> expired(m, now));
    }

    private boolean expired(Mark mark, long now) {
        return mark.keepFrom() + keepSeconds <= now;
    }

    private long nowSeconds() {
        return Math.floorDiv(clock.millis(), 1000);
    }
}

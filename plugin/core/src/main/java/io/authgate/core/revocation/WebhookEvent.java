package io.authgate.core.revocation;

import java.util.Objects;

/**
 * One Authgear event that changes which tokens of a user give a session. Authgear's envelope is
 * {@code {"id","seq","type","payload","context"}} (authgear-server {@code pkg/api/event/event.go});
 * the user is {@code payload.user.id} and the time {@code context.timestamp}, unix seconds taken
 * when the event was made, the same on every retried delivery ({@code docs/specs/event.md}).
 *
 * @param seq       Authgear's sequence number, monotonically increasing: orders events of one second
 * @param timestamp {@code context.timestamp}, unix seconds (Authgear's clock, as the tokens' {@code iat})
 * @param from      for a temporary disable, when it starts ({@code payload.temporarily_disabled_from},
 *                  unix seconds); {@link #NO_START} otherwise. Authgear fires {@code user.disabled}
 *                  at once even when the period starts later ({@code pkg/lib/facade/coordinator.go},
 *                  {@code UserDisable}: "Always fire this event, even the account is not considered
 *                  as disabled now")
 * @param until     when a temporary disable ends ({@code temporarily_disabled_until}); {@link #NO_END}
 *                  otherwise. Authgear sends no event when it ends.
 */
public record WebhookEvent(String id, long seq, String type, long timestamp, String userId, Effect effect, long from, long until) {
    public static final long NO_START = Long.MIN_VALUE;
    public static final long NO_END = Long.MAX_VALUE;

    /** What an event does to the user's tokens. */
    public enum Effect {
        /** Signed out, or sessions terminated: tokens issued before the event give no session. */
        SESSIONS_ENDED,
        /** Disabled, deleted or anonymized: no token of the user gives a session until re-enabled. */
        BLOCKED,
        /** Re-enabled: lifts a block made before it. */
        UNBLOCKED
    }

    /** An event that takes effect when it is made, for good. */
    public WebhookEvent(String id, long seq, String type, long timestamp, String userId, Effect effect) {
        this(id, seq, type, timestamp, userId, effect, NO_START, NO_END);
    }

    /** The same event dated {@code timestamp} instead (its period, if any, unchanged). */
    public WebhookEvent datedAt(long timestamp) {
        return new WebhookEvent(id, seq, type, timestamp, userId, effect, from, until);
    }

    public WebhookEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(effect, "effect");
    }

    /** Whether it takes effect when it is made: its sessions were terminated then (Authgear does so for a disable in force). */
    boolean inForceWhenMade() {
        return from == NO_START || from <= timestamp;
    }

    /** Whether this event happened after {@code other} by Authgear's own order: its time, then its seq. */
    boolean isAfter(long otherTimestamp, long otherSeq) {
        return timestamp != otherTimestamp ? timestamp > otherTimestamp : seq > otherSeq;
    }
}

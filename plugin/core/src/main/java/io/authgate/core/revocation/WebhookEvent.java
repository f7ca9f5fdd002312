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
 */
public record WebhookEvent(String id, long seq, String type, long timestamp, String userId, Effect effect) {

    /** What an event does to the user's tokens. */
    public enum Effect {
        /** Signed out, or sessions terminated: tokens issued before the event give no session. */
        SESSIONS_ENDED,
        /** Disabled, deleted or anonymized: no token of the user gives a session until re-enabled. */
        BLOCKED,
        /** Re-enabled: lifts a block made before it. */
        UNBLOCKED
    }

    public WebhookEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(effect, "effect");
    }

    /** Whether this event happened after {@code other} by Authgear's own order: its time, then its seq. */
    boolean isAfter(long otherTimestamp, long otherSeq) {
        return timestamp != otherTimestamp ? timestamp > otherTimestamp : seq > otherSeq;
    }
}

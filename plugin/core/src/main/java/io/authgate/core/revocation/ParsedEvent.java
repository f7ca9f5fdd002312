package io.authgate.core.revocation;

/** A signed webhook body, read: an event that changes tokens, or one of a type this ignores. */
public sealed interface ParsedEvent permits ParsedEvent.Handled, ParsedEvent.Ignored {

    record Handled(WebhookEvent event) implements ParsedEvent {
    }

    /**
     * A well-formed event of a type that changes no token (user.created, and the many others): answered
     * 2xx all the same, so Authgear counts it delivered.
     */
    record Ignored(String type) implements ParsedEvent {
    }
}

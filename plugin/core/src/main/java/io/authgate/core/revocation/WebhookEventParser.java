package io.authgate.core.revocation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonFactory;

import java.io.IOException;
import java.util.Map;

/**
 * Reads an Authgear event body, strictly: one JSON object, no duplicate keys (two {@code type}s must
 * not mean one thing here and another to a log reader), nothing after it, at most
 * {@link #MAX_BODY_BYTES}. Fields Authgear adds later are allowed (its event shapes only grow,
 * {@code docs/specs/event.md}, "Event Shape Versioning"). Types that change no token are
 * {@link ParsedEvent.Ignored}; a handled type without its user, time or seq is malformed.
 *
 * <p>The handled types are those Authgear's source names (authgear-server {@code pkg/api/event/nonblocking}).
 * Of them only {@code user.disabled}, {@code user.reenabled}, {@code user.deleted} and
 * {@code user.anonymized} are sent to webhooks by the Authgear read ({@code ForHook()} is true);
 * {@code user.signed_out} and {@code user.session.terminated} are audit-only there ({@code ForHook()}
 * false, {@code pkg/lib/hook/sink.go} skips them) and are handled for the Authgear that sends them and
 * the development issuer.
 */
public final class WebhookEventParser {
    /** Authgear's largest user events carry the user and a few sessions: a few KiB. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** Authgear's user ids are UUIDs; anything far longer is not one. */
    public static final int MAX_USER_ID_CHARS = 256;

    private static final Map<String, WebhookEvent.Effect> HANDLED = Map.of(
            "user.signed_out", WebhookEvent.Effect.SESSIONS_ENDED,
            "user.session.terminated", WebhookEvent.Effect.SESSIONS_ENDED,
            "user.disabled", WebhookEvent.Effect.BLOCKED,
            "user.deleted", WebhookEvent.Effect.BLOCKED,
            "user.anonymized", WebhookEvent.Effect.BLOCKED,
            "user.reenabled", WebhookEvent.Effect.UNBLOCKED);

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private WebhookEventParser() {
    }

    /** The types whose events change tokens, for the README and the receiver's log. */
    public static java.util.Set<String> handledTypes() {
        return HANDLED.keySet();
    }

    /** @throws MalformedEventException with a one-line reason (never the body) */
    public static ParsedEvent parse(byte[] body) {
        if (body.length > MAX_BODY_BYTES) {
            throw new MalformedEventException("the body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (IOException e) {
            throw new MalformedEventException("the body is not JSON");
        }
        if (tree == null || tree.isMissingNode()) {
            throw new MalformedEventException("the body is not JSON (it is empty)");
        }
        if (!tree.isObject()) {
            throw new MalformedEventException("the body is not an object");
        }
        String type = text(tree.get("type"), "type");
        text(tree.get("id"), "id");
        WebhookEvent.Effect effect = HANDLED.get(type);
        if (effect == null) {
            return new ParsedEvent.Ignored(type);
        }
        String userId = text(tree.path("payload").path("user").get("id"), "payload.user.id");
        if (userId.length() > MAX_USER_ID_CHARS) {
            throw new MalformedEventException("payload.user.id is longer than " + MAX_USER_ID_CHARS + " characters");
        }
        long timestamp = whole(tree.path("context").get("timestamp"), "context.timestamp");
        long seq = whole(tree.get("seq"), "seq");
        JsonNode payload = tree.path("payload");
        long from = instant(payload.get("temporarily_disabled_from"), "payload.temporarily_disabled_from", WebhookEvent.NO_START);
        long until = instant(payload.get("temporarily_disabled_until"), "payload.temporarily_disabled_until", WebhookEvent.NO_END);
        return new ParsedEvent.Handled(new WebhookEvent(tree.get("id").textValue(), seq, type, timestamp, userId, effect, from, until));
    }

    private static String text(JsonNode node, String name) {
        if (node == null || !node.isTextual() || node.textValue().isEmpty()) {
            throw new MalformedEventException(name + " must be a non-empty string");
        }
        return node.textValue();
    }

    /** An optional RFC 3339 time (Go's time.Time in JSON) as unix seconds; {@code absent} when it is absent or null. */
    private static long instant(JsonNode node, String name, long absent) {
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isTextual()) {
            throw new MalformedEventException(name + " must be an RFC 3339 time");
        }
        try {
            return java.time.OffsetDateTime.parse(node.textValue()).toEpochSecond();
        } catch (java.time.format.DateTimeParseException e) {
            throw new MalformedEventException(name + " must be an RFC 3339 time");
        }
    }

    private static long whole(JsonNode node, String name) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new MalformedEventException(name + " must be a whole number");
        }
        return node.longValue();
    }
}

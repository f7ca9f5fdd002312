package io.authgate.core.revocation;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Authgear's event shapes, as in authgear-server docs/specs/event.md and pkg/api/event. */
class WebhookEventParserTest {

    static byte[] event(String type, String userJson, long timestamp, long seq) {
        return ("{\"id\":\"ev-" + seq + "\",\"seq\":" + seq + ",\"type\":\"" + type + "\",\"payload\":{\"user\":" + userJson
                + ",\"sessions\":[]},\"context\":{\"timestamp\":" + timestamp + ",\"user_id\":null,\"triggered_by\":\"admin_api\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] event(String type, String userId, long timestamp, long seq, boolean unused) {
        return event(type, "{\"id\":\"" + userId + "\",\"is_disabled\":false}", timestamp, seq);
    }

    private static ParsedEvent parse(byte[] body) {
        return WebhookEventParser.parse(body);
    }

    @Test
    void eachHandledTypeHasItsEffect() {
        assertThat(((ParsedEvent.Handled) parse(event("user.signed_out", "u1", 1700000000, 7, true))).event())
                .isEqualTo(new WebhookEvent("ev-7", 7, "user.signed_out", 1700000000, "u1", WebhookEvent.Effect.SESSIONS_ENDED));
        assertThat(effectOf("user.session.terminated")).isEqualTo(WebhookEvent.Effect.SESSIONS_ENDED);
        assertThat(effectOf("user.disabled")).isEqualTo(WebhookEvent.Effect.BLOCKED);
        assertThat(effectOf("user.deleted")).isEqualTo(WebhookEvent.Effect.BLOCKED);
        assertThat(effectOf("user.anonymized")).isEqualTo(WebhookEvent.Effect.BLOCKED);
        assertThat(effectOf("user.reenabled")).isEqualTo(WebhookEvent.Effect.UNBLOCKED);
    }

    private static WebhookEvent.Effect effectOf(String type) {
        return ((ParsedEvent.Handled) parse(event(type, "u1", 1700000000, 1, true))).event().effect();
    }

    @Test
    void unknownTypesAreIgnoredNotRefused() {
        assertThat(parse(event("user.created", "u1", 1700000000, 1, true))).isEqualTo(new ParsedEvent.Ignored("user.created"));
        assertThat(parse("{\"id\":\"x\",\"seq\":1,\"type\":\"project.app.updated\",\"payload\":{},\"context\":{}}"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(ParsedEvent.Ignored.class);
    }

    @Test
    void newFieldsAuthgearMayAddAreAccepted() {
        byte[] body = ("{\"id\":\"e\",\"seq\":3,\"type\":\"user.disabled\",\"new_field\":[1,2],\"payload\":{\"user\":{\"id\":\"u\"},"
                + "\"temporarily_disabled_until\":\"2030-01-01T00:00:00Z\"},\"context\":{\"timestamp\":1700000000,\"x\":{}}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(parse(body)).isInstanceOf(ParsedEvent.Handled.class);
    }

    @Test
    void aTemporaryDisableCarriesItsPeriod() {
        byte[] body = ("{\"id\":\"e\",\"seq\":3,\"type\":\"user.disabled\",\"payload\":{\"user\":{\"id\":\"u\"},"
                + "\"temporarily_disabled_from\":\"2030-01-01T08:00:00+08:00\",\"temporarily_disabled_until\":\"2030-01-02T00:00:00.123456789Z\"},"
                + "\"context\":{\"timestamp\":1700000000}}").getBytes(StandardCharsets.UTF_8);
        WebhookEvent e = ((ParsedEvent.Handled) parse(body)).event();
        assertThat(e.from()).isEqualTo(java.time.Instant.parse("2030-01-01T00:00:00Z").getEpochSecond());
        assertThat(e.until()).isEqualTo(java.time.Instant.parse("2030-01-02T00:00:00Z").getEpochSecond());
        WebhookEvent indefinite = ((ParsedEvent.Handled) parse(event("user.disabled", "u1", 1700000000, 1, true))).event();
        assertThat(indefinite.from()).isEqualTo(WebhookEvent.NO_START);
        assertThat(indefinite.until()).isEqualTo(WebhookEvent.NO_END);
        assertMalformed(new String(body).replace("2030-01-01T08:00:00+08:00", "soon"), "payload.temporarily_disabled_from");
        assertMalformed(new String(body).replace("\"2030-01-01T08:00:00+08:00\"", "5"), "payload.temporarily_disabled_from");
    }

    @Test
    void malformedBodiesAreRefusedWithAReason() {
        assertMalformed("", "not JSON");
        assertMalformed("{", "not JSON");
        assertMalformed("[]", "not an object");
        assertMalformed("{\"id\":\"e\",\"seq\":1,\"type\":\"user.signed_out\"} {}", "not JSON");
        assertMalformed("{\"id\":\"e\",\"type\":\"a\",\"type\":\"user.signed_out\",\"seq\":1}", "not JSON");
        assertMalformed("{\"id\":\"e\",\"seq\":1}", "type");
        assertMalformed("{\"id\":\"e\",\"seq\":1,\"type\":7}", "type");
        assertMalformed("{\"seq\":1,\"type\":\"user.created\"}", "id");
    }

    @Test
    void aHandledTypeWithoutItsUserTimeOrSeqIsRefused() {
        assertMalformed(new String(event("user.signed_out", "{}", 1700000000, 1)), "payload.user.id");
        assertMalformed(new String(event("user.signed_out", "{\"id\":\"\"}", 1700000000, 1)), "payload.user.id");
        assertMalformed(new String(event("user.signed_out", "{\"id\":5}", 1700000000, 1)), "payload.user.id");
        assertMalformed(new String(event("user.signed_out", "\"u1\"", 1700000000, 1)), "payload.user.id");
        assertMalformed("{\"id\":\"e\",\"seq\":1,\"type\":\"user.disabled\",\"payload\":{\"user\":{\"id\":\"u\"}},\"context\":{}}",
                "context.timestamp");
        assertMalformed("{\"id\":\"e\",\"seq\":1,\"type\":\"user.disabled\",\"payload\":{\"user\":{\"id\":\"u\"}},"
                + "\"context\":{\"timestamp\":\"1700000000\"}}", "context.timestamp");
        assertMalformed("{\"id\":\"e\",\"seq\":\"1\",\"type\":\"user.disabled\",\"payload\":{\"user\":{\"id\":\"u\"}},"
                + "\"context\":{\"timestamp\":1700000000}}", "seq");
        assertMalformed(new String(event("user.signed_out", "u" + "x".repeat(WebhookEventParser.MAX_USER_ID_CHARS), 1700000000, 1, true)),
                "payload.user.id");
    }

    @Test
    void theBodyIsCappedAtItsBound() {
        String head = "{\"id\":\"e\",\"seq\":1,\"type\":\"user.created\",\"pad\":\"";
        String tail = "\"}";
        String atCap = head + "a".repeat(WebhookEventParser.MAX_BODY_BYTES - head.length() - tail.length()) + tail;
        assertThat(atCap.getBytes(StandardCharsets.UTF_8)).hasSize(WebhookEventParser.MAX_BODY_BYTES);
        assertThat(parse(atCap.getBytes(StandardCharsets.UTF_8))).isInstanceOf(ParsedEvent.Ignored.class);
        String over = head + "a".repeat(WebhookEventParser.MAX_BODY_BYTES - head.length() - tail.length() + 1) + tail;
        assertMalformed(over, "larger than");
    }

    private static void assertMalformed(String body, String reasonPart) {
        assertThatThrownBy(() -> parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining(reasonPart);
    }
}

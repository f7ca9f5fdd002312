package io.authgate.core.revocation;

import io.authgate.core.config.WebhookSecret;
import org.junit.jupiter.api.Test;

import io.authgate.testkit.AuthgearWebhooks;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authgear's {@code x-authgear-body-signature}: the hex HMAC-SHA256 of the raw body with the webhook
 * secret (read in authgear-server {@code pkg/lib/hook/hook_web.go} and {@code pkg/util/crypto/hmac_sha256.go}).
 */
class WebhookSignatureTest {
    private static final String SECRET = "Zq8vR2xN4bT6yW1cK9mF3hJ7pL5sD0aE"; // 32 characters, as Authgear makes them
    private static final byte[] BODY = "{\"id\":\"e1\",\"seq\":1,\"type\":\"user.signed_out\"}".getBytes(StandardCharsets.UTF_8);

    private final WebhookSignature signature = new WebhookSignature(WebhookSecret.of(SECRET, "revocation.webhook_secret"));

    /** Computed with the JDK's Mac, as Go's hmac.New(sha256.New, secret) + hex.EncodeToString do. */
    static String sign(String secret, byte[] body) {
        return AuthgearWebhooks.sign(secret, body);
    }

    @Test
    void theRightSignatureOfTheBodyIsAccepted() {
        assertThat(signature.matches(BODY, sign(SECRET, BODY))).isTrue();
    }

    @Test
    void upperCaseHexIsTheSameSignature() {
        assertThat(signature.matches(BODY, sign(SECRET, BODY).toUpperCase())).isTrue();
    }

    @Test
    void aMissingSignatureIsRefused() {
        assertThat(signature.matches(BODY, null)).isFalse();
        assertThat(signature.matches(BODY, "")).isFalse();
    }

    @Test
    void anotherSecretsSignatureIsRefused() {
        assertThat(signature.matches(BODY, sign("another-projects-secret-32-chars", BODY))).isFalse();
    }

    @Test
    void aBodyChangedByOneByteIsRefused() {
        String good = sign(SECRET, BODY);
        byte[] changed = BODY.clone();
        changed[changed.length - 3] ^= 1;
        assertThat(signature.matches(changed, good)).isFalse();
    }

    @Test
    void aWrongSignatureOfTheRightLengthIsRefused() {
        String good = sign(SECRET, BODY);
        String wrong = (good.charAt(0) == '0' ? "1" : "0") + good.substring(1);
        assertThat(signature.matches(BODY, wrong)).isFalse();
    }

    @Test
    void oddLengthNonHexAndWrongLengthAreRefused() {
        String good = sign(SECRET, BODY);
        assertThat(signature.matches(BODY, good.substring(1))).as("odd length").isFalse();
        assertThat(signature.matches(BODY, good.substring(2))).as("31 bytes").isFalse();
        assertThat(signature.matches(BODY, good + "00")).as("33 bytes").isFalse();
        assertThat(signature.matches(BODY, "zz" + good.substring(2))).as("not hex").isFalse();
        assertThat(signature.matches(BODY, " " + good.substring(1))).as("a space").isFalse();
        assertThat(signature.matches(BODY, "sha256=" + good)).as("a prefix").isFalse();
    }

    @Test
    void theSecretIsNeverPrinted() {
        assertThat(signature.toString()).doesNotContain(SECRET);
        assertThat(WebhookSecret.of(SECRET, "k").toString()).doesNotContain(SECRET);
    }
}

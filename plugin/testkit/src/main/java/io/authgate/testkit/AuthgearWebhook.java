package io.authgate.testkit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Authgear's webhook events as its server sends them: the body shape of
 * {@code pkg/api/event/event.go} ({@code id}, {@code seq}, {@code type}, {@code payload},
 * {@code context.timestamp}) and the signature of {@code pkg/lib/hook/hook_web.go} (the hex
 * HMAC-SHA256 of the raw body with the project's webhook secret, in {@code x-authgear-body-signature}).
 */
public final class AuthgearWebhook {
    public static final String SIGNATURE_HEADER = "x-authgear-body-signature";

    private AuthgearWebhook() {
    }

    /** An event about {@code userId}, made at {@code timestamp} (epoch seconds), with a fresh id. */
    public static byte[] event(String type, String userId, long timestamp, long seq) {
        return ("{\"id\":\"" + UUID.randomUUID() + "\",\"seq\":" + seq + ",\"type\":\"" + type + "\",\"payload\":{\"user\":{\"id\":\""
                + userId + "\",\"is_disabled\":false},\"sessions\":[]},\"context\":{\"timestamp\":" + timestamp
                + ",\"triggered_by\":\"admin_api\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /** The signature Authgear sends with {@code body}. */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

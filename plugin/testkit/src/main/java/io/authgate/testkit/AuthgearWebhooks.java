package io.authgate.testkit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Authgear's webhook events as Authgear makes them, for tests: the envelope
 * {@code {"id","seq","type","payload","context"}} with the user at {@code payload.user.id} and the
 * time at {@code context.timestamp} in unix seconds (authgear-server {@code pkg/api/event/event.go},
 * {@code docs/specs/event.md}), and {@code x-authgear-body-signature}: the hex HMAC-SHA256 of the
 * body with the webhook secret ({@code pkg/lib/hook/hook_web.go}, {@code pkg/util/crypto/hmac_sha256.go}),
 * computed here with the JDK's {@link Mac}, independently of the code under test.
 */
public final class AuthgearWebhooks {
    private AuthgearWebhooks() {
    }

    /** One event of {@code type} about {@code userId}, made at {@code timestamp} with {@code seq}. */
    public static byte[] event(String type, String userId, long timestamp, long seq) {
        return ("{\"id\":\"ev-" + type + "-" + seq + "\",\"seq\":" + seq + ",\"type\":\"" + type + "\",\"payload\":{\"user\":{\"id\":\""
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

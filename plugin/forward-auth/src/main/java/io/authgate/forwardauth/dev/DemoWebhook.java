package io.authgate.forwardauth.dev;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Where a running demo receives Authgear's webhook events, and the secret they are signed with: the
 * development issuer's stand-in for Authgear's webhook delivery, so {@code event user.signed_out}
 * shows a logout. Events are shaped as Authgear's ({@code {"id","seq","type","payload","context"}},
 * authgear-server {@code pkg/api/event/event.go}; the user at {@code payload.user.id}, the time at
 * {@code context.timestamp} in unix seconds) and signed as Authgear signs them: the hex HMAC-SHA256
 * of the body with the secret, in {@code x-authgear-body-signature} ({@code pkg/lib/hook/hook_web.go}).
 * The secret is made fresh for each demo run, like its key ({@link DemoKeyFile}).
 */
public record DemoWebhook(URI url, String secret) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** 32 random characters, as Authgear makes its webhook secrets ({@code secrets.GenerateSecret(32)}). */
    public static String newSecret() {
        SecureRandom random = new SecureRandom();
        StringBuilder out = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }

    /** One event about {@code userId}, made now; {@code seq} from the clock, so later events sort after. */
    public byte[] event(String type, String userId) {
        ObjectNode e = JSON.createObjectNode();
        e.put("id", UUID.randomUUID().toString());
        e.put("seq", System.currentTimeMillis());
        e.put("type", type);
        ObjectNode payload = e.putObject("payload");
        payload.putObject("user").put("id", userId);
        payload.putArray("sessions");
        ObjectNode context = e.putObject("context");
        context.put("timestamp", System.currentTimeMillis() / 1000);
        context.put("user_id", userId);
        context.put("triggered_by", "admin_api");
        try {
            return JSON.writeValueAsBytes(e);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The signature Authgear would send with {@code body}. */
    public String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Posts one signed event as Authgear does; the receiver's answer, status and its one-word body. */
    public HttpResponse<String> send(byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("x-authgear-body-signature", sign(body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public String toString() {
        return "DemoWebhook[" + url + ", secret hidden]";
    }
}

package io.authgate.core.revocation;

import io.authgate.core.config.WebhookSecret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * Checks Authgear's {@code x-authgear-body-signature}: the hex-encoded HMAC-SHA256 of the raw request
 * body, keyed with the webhook secret (authgear-server {@code pkg/lib/hook/hook_web.go},
 * {@code PrepareRequest}, and {@code pkg/util/crypto/hmac_sha256.go}). The comparison is of bytes, in
 * constant time; anything that is not exactly 64 hex digits is refused before any MAC is computed.
 * Thread-safe (a {@link Mac} per call: they are cheap and not shareable).
 */
public final class WebhookSignature {
    public static final String HEADER = "x-authgear-body-signature";
    private static final int MAC_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public WebhookSignature(WebhookSecret secret) {
        this.key = new SecretKeySpec(secret.keyBytes(), ALGORITHM);
    }

    /** @param headerValue the header as received; {@code null} when absent */
    public boolean matches(byte[] body, String headerValue) {
        byte[] claimed = hexBytes(headerValue);
        if (claimed.length != MAC_BYTES) {
            return false;
        }
        return MessageDigest.isEqual(mac(body), claimed);
    }

    /** The signature Authgear would send for {@code body}, for the development issuer and tests. */
    public String sign(byte[] body) {
        return java.util.HexFormat.of().formatHex(mac(body));
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The bytes of exactly 64 hex digits (either case); an empty array for anything else. */
    private static byte[] hexBytes(String hex) {
        if (hex == null || hex.length() != MAC_BYTES * 2) {
            return new byte[0];
        }
        byte[] out = new byte[MAC_BYTES];
        for (int i = 0; i < MAC_BYTES; i++) {
            int hi = hexDigit(hex.charAt(2 * i));
            int lo = hexDigit(hex.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                return new byte[0];
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** ASCII hex only: {@link Character#digit} would take other scripts' digits too. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    @Override
    public String toString() {
        return "WebhookSignature[key hidden]";
    }
}

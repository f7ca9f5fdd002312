package io.authgate.core.config;

import java.nio.charset.StandardCharsets;

/**
 * The Authgear project's webhook secret, the key of the HMAC-SHA256 that signs each event. Authgear
 * generates it as a 32-character string (an octet JWK made by {@code secrets.GenerateOctetKey} in
 * {@code pkg/util/secrets/generate.go}, whose raw bytes {@code jwkutil.ExtractOctetKey} hands to
 * {@code crypto.HMACSHA256String}): its UTF-8 bytes are the key. Never printed: {@link #toString}
 * hides it, so a record holding it can be logged.
 */
public final class WebhookSecret {
    /** Shorter than this is a typo or a placeholder, not Authgear's 32 characters. */
    public static final int MIN_CHARS = 16;
    public static final int MAX_CHARS = 1024;

    private final byte[] key;

    private WebhookSecret(byte[] key) {
        this.key = key;
    }

    /** @throws ConfigException naming {@code key} when the text cannot be Authgear's secret */
    public static WebhookSecret of(String text, String key) {
        if (text == null || text.length() < MIN_CHARS || text.length() > MAX_CHARS) {
            throw new ConfigException(key, "must be the project's webhook secret, " + MIN_CHARS + " to " + MAX_CHARS
                    + " characters (the one the Authgear portal shows with its webhook settings)");
        }
        if (!text.strip().equals(text)) {
            throw new ConfigException(key, "has leading or trailing whitespace (a copy-paste slip?): the signature would never match");
        }
        return new WebhookSecret(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the key's bytes, for the HMAC. */
    public byte[] keyBytes() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebhookSecret other && java.security.MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return key.length;
    }

    @Override
    public String toString() {
        return "WebhookSecret[hidden]";
    }
}

package io.authgate.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to make one test token: start from a valid Authgear access token, then change header
 * parameters and claims (a {@code null} value removes one), and choose who signs it.
 *
 * <p>Claim values may be relative times, {@code "now"}, {@code "now+60"} or {@code "now-60"}, turned
 * into unix seconds when the token is minted.
 *
 * @param signer   {@code issuer} (the minting project's current key), {@code previous} (its older
 *                 published key), {@code nimbus} (the current key, signed by Nimbus rather than by hand),
 *                 {@code attacker} (a key not in the JWKS), {@code none} (no signature),
 *                 {@code hs256_public_key} (HMAC keyed with the issuer's public key),
 *                 {@code tamper} (a valid token whose payload is changed afterwards)
 * @param raw      when set, this exact string is the token and everything else is ignored
 * @param padBytes when positive, a claim of that many characters makes the token large
 * @param headerBytes  how the header's JSON becomes the signed bytes (UTF-8 unless a test says otherwise)
 * @param payloadBytes how the payload's JSON becomes the signed bytes
 */
public record TokenRecipe(Map<String, Object> header, Map<String, Object> claims, String signer, String raw, int padBytes,
                          SegmentBytes headerBytes, SegmentBytes payloadBytes) {
    public static final TokenRecipe VALID = new TokenRecipe(Map.of(), Map.of(), "issuer", null, 0);

    public TokenRecipe {
        header = copy(header);
        claims = copy(claims);
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(headerBytes, "headerBytes");
        Objects.requireNonNull(payloadBytes, "payloadBytes");
    }

    /** Segments written as UTF-8. */
    public TokenRecipe(Map<String, Object> header, Map<String, Object> claims, String signer, String raw, int padBytes) {
        this(header, claims, signer, raw, padBytes, SegmentBytes.UTF8, SegmentBytes.UTF8);
    }

    /** True when a segment is written other than as plain UTF-8 JSON. */
    public boolean hasHostileBytes() {
        return !headerBytes.equals(SegmentBytes.UTF8) || !payloadBytes.equals(SegmentBytes.UTF8);
    }

    private static Map<String, Object> copy(Map<String, Object> map) {
        // LinkedHashMap, not Map.copyOf: null values mean "remove" and order is kept.
        return map == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    public static TokenRecipe withClaims(Map<String, Object> claims) {
        return new TokenRecipe(Map.of(), claims, "issuer", null, 0);
    }

    public TokenRecipe signedBy(String signer) {
        return new TokenRecipe(header, claims, signer, raw, padBytes, headerBytes, payloadBytes);
    }

    public TokenRecipe withHeader(Map<String, Object> header) {
        return new TokenRecipe(header, claims, signer, raw, padBytes, headerBytes, payloadBytes);
    }

    public TokenRecipe withPayloadBytes(SegmentBytes bytes) {
        return new TokenRecipe(header, claims, signer, raw, padBytes, headerBytes, bytes);
    }

    /**
     * This recipe with each {@code names} key replaced by its value in every string of the header and
     * the claims, also inside lists ({@code {issuer:second}} in a row naming another project's issuer).
     */
    public TokenRecipe withNames(Map<String, String> names) {
        return new TokenRecipe(replaced(header, names), replaced(claims, names), signer, raw, padBytes, headerBytes, payloadBytes);
    }

    private static Map<String, Object> replaced(Map<String, Object> map, Map<String, String> names) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, replaced(v, names)));
        return out;
    }

    private static Object replaced(Object value, Map<String, String> names) {
        if (value instanceof String s) {
            for (Map.Entry<String, String> n : names.entrySet()) {
                s = s.replace(n.getKey(), n.getValue());
            }
            return s;
        }
        if (value instanceof java.util.List<?> list) {
            return list.stream().map(v -> replaced(v, names)).toList();
        }
        return value;
    }

    public TokenRecipe withHeaderBytes(SegmentBytes bytes) {
        return new TokenRecipe(header, claims, signer, raw, padBytes, bytes, payloadBytes);
    }
}

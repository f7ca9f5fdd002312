package io.authgate.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes test tokens from {@link TokenRecipe}s. Tokens are assembled by hand (Jackson for the JSON,
 * {@code java.security.Signature} for RS256), not with the library the code under test uses, so a
 * bug there cannot hide in both; one signer ({@code nimbus}) uses Nimbus to show the two agree.
 */
public final class TokenMinter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    public static final String ATTACKER_KID = "attacker-key";

    private final String issuer;
    private final TestProject project;

    /** Tokens of the {@link TestProject#FIRST first project}'s keys, naming this issuer. */
    public TokenMinter(String issuer) {
        this(issuer, TestProject.FIRST);
    }

    /** Tokens naming this issuer, signed ({@code issuer}, {@code previous}, ...) with this project's keys. */
    public TokenMinter(String issuer, TestProject project) {
        this.issuer = issuer;
        this.project = project;
    }

    public String mint(TokenRecipe recipe, long nowSeconds) {
        if (recipe.raw() != null) {
            return recipe.raw();
        }
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("kid", project.currentKid());
        header.put("typ", "at+jwt");
        merge(header, recipe.header(), nowSeconds);
        Map<String, Object> claims = AuthgearClaims.user(issuer, nowSeconds);
        merge(claims, recipe.claims(), nowSeconds);
        if (recipe.padBytes() > 0) {
            claims.put("pad", "x".repeat(recipe.padBytes()));
        }
        if ("attacker".equals(header.get("jwk"))) {
            header.put("jwk", TestKeys.rsa(ATTACKER_KID).toPublicJWK().toJSONObject());
        }
        if (recipe.hasHostileBytes() && !HAND_SIGNERS.contains(recipe.signer())) {
            throw new IllegalArgumentException("header/payload bytes need a signer that assembles the token by hand, not " + recipe.signer());
        }
        try {
            return sign(recipe.signer(), header, claims, new Segments(recipe.headerBytes(), recipe.payloadBytes()));
        } catch (GeneralSecurityException | JOSEException | ParseException | JsonProcessingException e) {
            throw new IllegalStateException("cannot mint test token", e);
        }
    }

    private void merge(Map<String, Object> target, Map<String, Object> changes, long now) {
        changes.forEach((name, value) -> {
            if (value == null) {
                target.remove(name);
            } else {
                target.put(name, expand(value, now));
            }
        });
    }

    /** Relative times ({@code now}, {@code now+N}, {@code now-N}) and {@code {issuer}}, also inside lists. */
    private Object expand(Object value, long now) {
        if (value instanceof java.util.List<?> list) {
            return list.stream().map(v -> expand(v, now)).toList();
        }
        if (value instanceof String s) {
            if (s.matches("now([+-][0-9]+)?")) {
                return s.length() == 3 ? now : now + Long.parseLong(s.substring(3).replace("+", ""));
            }
            return s.replace("{issuer}", issuer);
        }
        return value;
    }

    /** The signers that sign the segments' bytes as this class writes them. */
    private static final java.util.Set<String> HAND_SIGNERS = java.util.Set.of("issuer", "previous", "attacker");

    /** How the header's and the payload's JSON become the bytes that are signed. */
    private record Segments(SegmentBytes header, SegmentBytes payload) {
        static final Segments UTF8 = new Segments(SegmentBytes.UTF8, SegmentBytes.UTF8);

        String signingInput(Map<String, Object> headerJson, Map<String, Object> claims) {
            return b64(header.encode(json(headerJson))) + "." + b64(payload.encode(json(claims)));
        }
    }

    private String sign(String signer, Map<String, Object> header, Map<String, Object> claims, Segments segments)
            throws GeneralSecurityException, JOSEException, ParseException, JsonProcessingException {
        switch (signer) {
            case "issuer":
                return rs256(header, claims, TestKeys.rsa(project.currentKid()), segments);
            case "previous":
                if (project.currentKid().equals(header.get("kid"))) {
                    header.put("kid", project.previousKid());
                }
                return rs256(header, claims, TestKeys.rsa(project.previousKid()), segments);
            case "attacker":
                return rs256(header, claims, TestKeys.rsa(ATTACKER_KID), segments);
            case "nimbus":
                return nimbus(header, claims, TestKeys.rsa(project.currentKid()));
            case "none": {
                header.put("alg", "none");
                return Segments.UTF8.signingInput(header, claims) + ".";
            }
            case "hs256_public_key": {
                header.put("alg", "HS256");
                String input = Segments.UTF8.signingInput(header, claims);
                Mac mac = Mac.getInstance("HmacSHA256");
                byte[] secret = TestKeys.rsa(project.currentKid()).toRSAPublicKey().getEncoded();
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
            }
            case "tamper": {
                String valid = rs256(header, claims, TestKeys.rsa(project.currentKid()), Segments.UTF8);
                Map<String, Object> changed = new LinkedHashMap<>(claims);
                changed.put("sub", "00000000-0000-0000-0000-000000000000");
                changed.put(AuthgearClaims.ROLES, java.util.List.of("superuser"));
                String[] parts = valid.split("\\.");
                return parts[0] + "." + b64(json(changed).getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
            }
            default:
                throw new IllegalArgumentException("unknown signer " + signer);
        }
    }

    private static String rs256(Map<String, Object> header, Map<String, Object> claims, RSAKey key, Segments segments)
            throws GeneralSecurityException, JOSEException {
        String input = segments.signingInput(header, claims);
        String jdkAlg = switch (String.valueOf(header.get("alg"))) {
            case "RS384" -> "SHA384withRSA";
            case "RS512" -> "SHA512withRSA";
            default -> "SHA256withRSA";
        };
        Signature signature = Signature.getInstance(jdkAlg);
        signature.initSign(key.toRSAPrivateKey());
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(signature.sign());
    }

    private static String nimbus(Map<String, Object> header, Map<String, Object> claims, RSAKey key)
            throws JOSEException, ParseException {
        JWSHeader.Builder h = new JWSHeader.Builder(JWSAlgorithm.parse(String.valueOf(header.get("alg"))));
        if (header.get("kid") != null) {
            h.keyID(String.valueOf(header.get("kid")));
        }
        if (header.get("typ") != null) {
            h.type(new JOSEObjectType(String.valueOf(header.get("typ"))));
        }
        SignedJWT jwt = new SignedJWT(h.build(), JWTClaimsSet.parse(claims));
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static String b64(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    /** Jackson's JSON text: non-ASCII as it is (not escaped), as Go's encoding/json writes it. */
    private static String json(Map<String, Object> value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.authgate.core.jwks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;

import java.text.ParseException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The usable keys of one JWKS document, by {@code kid}. Immutable. Keys that cannot safely verify a
 * JWS are left out rather than failing the whole set: symmetric keys (a JWKS never legitimately
 * publishes one, and a public value must never verify a MAC), keys marked for encryption
 * ({@code use} other than {@code sig}), keys whose {@code key_ops} (RFC 7517 §4.3) do not include
 * {@code verify} or name an operation twice, keys without a {@code kid} (we select by {@code kid}
 * only), RSA keys under 2048 bits.
 */
public final class KeySet {
    public static final KeySet EMPTY = new KeySet(Map.of(), 0);

    private static final Set<JWSAlgorithm> RSA_ALGS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

    private final Map<String, VerificationKey> byKeyId;
    private final int skipped;

    private KeySet(Map<String, VerificationKey> byKeyId, int skipped) {
        this.byKeyId = byKeyId;
        this.skipped = skipped;
    }

    /** @throws ParseException when the document is not a JWKS at all */
    public static KeySet parse(String json) throws ParseException {
        Map<String, Object> doc = JSONObjectUtils.parse(json);
        List<Object> keys = JSONObjectUtils.getJSONArray(doc, "keys");
        if (keys == null) {
            throw new ParseException("a JWKS needs a \"keys\" array", 0);
        }
        Map<String, VerificationKey> out = new LinkedHashMap<>();
        int skipped = 0;
        for (Object item : keys) {
            VerificationKey key = item instanceof Map<?, ?> ? toKey(asJsonObject(item)) : null;
            if (key == null || out.containsKey(key.keyId())) {
                skipped++;
            } else {
                out.put(key.keyId(), key);
            }
        }
        return new KeySet(Collections.unmodifiableMap(out), skipped);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asJsonObject(Object item) {
        return (Map<String, Object>) item;
    }

    private static VerificationKey toKey(Map<String, Object> json) {
        try {
            JWK jwk = JWK.parse(json);
            String kid = jwk.getKeyID();
            if (kid == null || kid.isEmpty() || (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse()))
                    || !mayVerify(jwk, json)) {
                return null;
            }
            Set<JWSAlgorithm> algs;
            com.nimbusds.jose.JWSVerifier verifier;
            if (jwk instanceof RSAKey rsa) {
                if (rsa.size() < 2048) {
                    return null;
                }
                algs = RSA_ALGS;
                verifier = new RsaVerifier(rsa.toRSAPublicKey());
            } else if (jwk instanceof ECKey ec) {
                JWSAlgorithm alg = ecAlgorithm(ec.getCurve());
                if (alg == null) {
                    return null;
                }
                algs = Set.of(alg);
                verifier = new ECDSAVerifier(ec.toECPublicKey());
            } else if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
                algs = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
                verifier = new Ed25519Verifier(okp.getDecodedX());
            } else {
                return null;
            }
            if (jwk.getAlgorithm() != null) {
                Set<JWSAlgorithm> narrowed = new HashSet<>();
                for (JWSAlgorithm a : algs) {
                    if (a.getName().equals(jwk.getAlgorithm().getName())) {
                        narrowed.add(a);
                    }
                }
                algs = narrowed;
            }
            return algs.isEmpty() ? null : new VerificationKey(kid, VerificationKey.names(algs), verifier);
        } catch (ParseException | JOSEException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Without {@code key_ops} a key may do what its {@code use} says; with it, only what it lists, and
     * the list must name each operation once (Nimbus keeps a set, so a repeat is counted here, on the
     * document's own array; Nimbus has refused an entry that is not a string by now).
     */
    private static boolean mayVerify(JWK jwk, Map<String, Object> json) {
        Set<KeyOperation> ops = jwk.getKeyOperations();
        if (ops == null) {
            return true;
        }
        return ops.contains(KeyOperation.VERIFY) && json.get("key_ops") instanceof List<?> listed && listed.size() == ops.size();
    }

    private static JWSAlgorithm ecAlgorithm(Curve curve) {
        if (Curve.P_256.equals(curve)) {
            return JWSAlgorithm.ES256;
        }
        if (Curve.P_384.equals(curve)) {
            return JWSAlgorithm.ES384;
        }
        if (Curve.P_521.equals(curve)) {
            return JWSAlgorithm.ES512;
        }
        return null;
    }

    public VerificationKey get(String kid) {
        return byKeyId.get(kid);
    }

    public Set<String> keyIds() {
        return byKeyId.keySet();
    }

    public int size() {
        return byKeyId.size();
    }

    /** How many entries of the document were left out as unusable. */
    public int skipped() {
        return skipped;
    }
}

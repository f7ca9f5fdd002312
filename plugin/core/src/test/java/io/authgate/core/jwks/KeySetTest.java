package io.authgate.core.jwks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.authgate.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which JWKS entries become verification keys, and for which algorithms. */
class KeySetTest {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** A JWKS document of these entries, each given as JSON. */
    private static String jwks(String... entries) {
        return "{\"keys\":[" + String.join(",", entries) + "]}";
    }

    private static String json(JWK key) {
        return key.toJSONString();
    }

    private static KeySet parse(String json) throws ParseException {
        return KeySet.parse(json);
    }

    /** TestKeys' RSA key without its "alg", public part. */
    private static RSAKey rsaWithoutAlg(String kid) {
        return new RSAKey.Builder(TestKeys.rsa(kid).toPublicJWK()).algorithm(null).build();
    }

    private static SignedJWT signed(JWSAlgorithm alg, String kid, JWSSigner signer) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(new JOSEObjectType("at+jwt")).build(),
                new JWTClaimsSet.Builder().subject("user").build());
        jwt.sign(signer);
        return jwt;
    }

    private static SignedJWT reparsed(SignedJWT jwt) throws ParseException {
        return SignedJWT.parse(jwt.serialize());
    }

    @Test
    void anRsaSigningKeyIsUsable() throws Exception {
        KeySet set = parse(jwks(json(TestKeys.rsa("rsa-a").toPublicJWK())));

        assertThat(set.keyIds()).containsExactly("rsa-a");
        assertThat(set.size()).isEqualTo(1);
        assertThat(set.skipped()).isZero();
        assertThat(set.get("rsa-a").keyId()).isEqualTo("rsa-a");
    }

    @Test
    void anRsaKeyVerifiesATokenItSigned() throws Exception {
        KeySet set = parse(jwks(json(TestKeys.rsa("rsa-a").toPublicJWK())));
        SignedJWT token = signed(JWSAlgorithm.RS256, "rsa-a", new RSASSASigner(TestKeys.rsa("rsa-a")));

        assertThat(set.get("rsa-a").verify(reparsed(token))).isTrue();
    }

    @Test
    void anRsaKeyDoesNotVerifyATokenAnotherKeySigned() throws Exception {
        KeySet set = parse(jwks(json(TestKeys.rsa("rsa-a").toPublicJWK())));
        SignedJWT token = signed(JWSAlgorithm.RS256, "rsa-a", new RSASSASigner(TestKeys.rsa("rsa-b")));

        assertThat(set.get("rsa-a").verify(reparsed(token))).isFalse();
    }

    @Test
    void anUnknownKidIsNull() throws Exception {
        assertThat(parse(jwks(json(TestKeys.rsa("rsa-a").toPublicJWK()))).get("other")).isNull();
    }

    @Test
    void anRsaKeyWithoutAlgMayVerifyEveryRsaAlgorithm() throws Exception {
        VerificationKey key = parse(jwks(json(rsaWithoutAlg("rsa-a")))).get("rsa-a");

        for (String alg : List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")) {
            assertThat(key.canVerify(alg)).as(alg).isTrue();
        }
        assertThat(key.canVerify("ES256")).isFalse();
        assertThat(key.canVerify("HS256")).isFalse();
        assertThat(key.canVerify("none")).isFalse();
    }

    @Test
    void theJwksOwnAlgNarrowsTheAlgorithms() throws Exception {
        RSAKey ps256 = new RSAKey.Builder(rsaWithoutAlg("rsa-a")).algorithm(JWSAlgorithm.PS256).build();
        VerificationKey key = parse(jwks(json(ps256))).get("rsa-a");

        assertThat(key.canVerify("PS256")).isTrue();
        assertThat(key.canVerify("RS256")).isFalse();
        assertThat(key.canVerify("PS512")).isFalse();
    }

    @Test
    void aTokenInAnAlgorithmTheKeyDoesNotAllowDoesNotVerifyEvenWithAGoodSignature() throws Exception {
        // TestKeys' JWK says alg RS256; an RS384 signature by the same private key must still fail.
        KeySet set = parse(jwks(json(TestKeys.rsa("rsa-a").toPublicJWK())));
        SignedJWT token = signed(JWSAlgorithm.RS384, "rsa-a", new RSASSASigner(TestKeys.rsa("rsa-a")));

        assertThat(set.get("rsa-a").canVerify("RS384")).isFalse();
        assertThat(set.get("rsa-a").verify(reparsed(token))).isFalse();
    }

    @Test
    void aKeyWhoseAlgDoesNotFitItsTypeIsSkipped() throws Exception {
        RSAKey mislabelled = new RSAKey.Builder(rsaWithoutAlg("rsa-a")).algorithm(JWSAlgorithm.ES256).build();
        KeySet set = parse(jwks(json(mislabelled)));

        assertThat(set.size()).isZero();
        assertThat(set.skipped()).isEqualTo(1);
    }

    @Test
    void symmetricOctKeysAreSkipped() throws Exception {
        String oct = json(new OctetSequenceKeyGenerator(256).keyID("sym").keyUse(KeyUse.SIGNATURE).generate());
        KeySet set = parse(jwks(oct, json(TestKeys.rsa("rsa-a").toPublicJWK())));

        assertThat(set.keyIds()).containsExactly("rsa-a");
        assertThat(set.get("sym")).isNull();
        assertThat(set.skipped()).isEqualTo(1);
    }

    @Test
    void encryptionKeysAreSkipped() throws Exception {
        RSAKey enc = new RSAKey.Builder(rsaWithoutAlg("rsa-enc")).keyUse(KeyUse.ENCRYPTION).build();
        KeySet set = parse(jwks(json(enc)));

        assertThat(set.get("rsa-enc")).isNull();
        assertThat(set.skipped()).isEqualTo(1);
    }

    /** TestKeys' RSA key, public part, without "use", with these key_ops written as the document gives them. */
    private static String withKeyOps(String kid, String keyOpsJson) {
        String key = json(new RSAKey.Builder(TestKeys.rsa(kid).toPublicJWK()).keyUse(null).build());
        return key.substring(0, key.length() - 1) + ",\"key_ops\":" + keyOpsJson + "}";
    }

    @ParameterizedTest(name = "key_ops {0}")
    @ValueSource(strings = {"[\"encrypt\"]", "[]", "[\"sign\"]", "[\"wrapKey\",\"encrypt\"]", "[\"verify\",\"verify\"]",
            "[\"verify\",\"frobnicate\"]", "\"verify\"", "[\"verify\",1]"})
    void aKeyWhoseKeyOpsDoNotAllowVerifyOnceIsSkipped(String keyOps) throws Exception {
        KeySet set = parse(jwks(withKeyOps("rsa-ops", keyOps)));

        assertThat(set.get("rsa-ops")).isNull();
        assertThat(set.skipped()).isEqualTo(1);
    }

    @ParameterizedTest(name = "key_ops {0}")
    @ValueSource(strings = {"[\"verify\"]", "[\"sign\",\"verify\"]", "[\"verify\",\"sign\"]"})
    void aKeyWhoseKeyOpsIncludeVerifyVerifies(String keyOps) throws Exception {
        KeySet set = parse(jwks(withKeyOps("rsa-ops", keyOps)));

        assertThat(set.get("rsa-ops")).isNotNull();
        assertThat(set.get("rsa-ops").verify(reparsed(signed(JWSAlgorithm.RS256, "rsa-ops", new RSASSASigner(TestKeys.rsa("rsa-ops")))))).isTrue();
    }

    @Test
    void keyOpsThatContradictUseAreSkipped() throws Exception {
        // Nimbus refuses the pair (RFC 7517 §4.3: use and key_ops must agree), so the entry is left out.
        String key = json(new RSAKey.Builder(TestKeys.rsa("rsa-ops").toPublicJWK()).keyUse(KeyUse.ENCRYPTION).build());
        assertThat(parse(jwks(key.substring(0, key.length() - 1) + ",\"key_ops\":[\"verify\"]}")).get("rsa-ops")).isNull();
    }

    @Test
    void keysWithoutUseAreUsable() throws Exception {
        RSAKey noUse = new RSAKey.Builder(rsaWithoutAlg("rsa-a")).keyUse(null).build();
        assertThat(parse(jwks(json(noUse))).get("rsa-a")).isNotNull();
    }

    @Test
    void keysWithoutKidAreSkipped() throws Exception {
        RSAKey noKid = new RSAKey.Builder(rsaWithoutAlg("rsa-a")).keyID(null).build();
        KeySet set = parse(jwks(json(noKid)));

        assertThat(set.size()).isZero();
        assertThat(set.skipped()).isEqualTo(1);
    }

    @Test
    void keysWithAnEmptyKidAreSkipped() throws Exception {
        RSAKey emptyKid = new RSAKey.Builder(rsaWithoutAlg("rsa-a")).keyID("").build();
        assertThat(parse(jwks(json(emptyKid))).size()).isZero();
    }

    @Test
    void rsaKeysUnder2048BitsAreSkipped() throws Exception {
        RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak").keyUse(KeyUse.SIGNATURE).generate().toPublicJWK();
        KeySet set = parse(jwks(json(weak)));

        assertThat(set.get("weak")).isNull();
        assertThat(set.skipped()).isEqualTo(1);
    }

    @Test
    void duplicateKidsKeepTheFirstKeyOnly() throws Exception {
        RSAKey first = new RSAKey.Builder(TestKeys.rsa("rsa-a").toPublicJWK()).build();
        RSAKey second = new RSAKey.Builder(TestKeys.rsa("rsa-b").toPublicJWK()).keyID("rsa-a").build();
        KeySet set = parse(jwks(json(first), json(second)));

        assertThat(set.keyIds()).containsExactly("rsa-a");
        assertThat(set.skipped()).isEqualTo(1);
        assertThat(set.get("rsa-a").verify(reparsed(signed(JWSAlgorithm.RS256, "rsa-a", new RSASSASigner(TestKeys.rsa("rsa-a"))))))
                .isTrue();
        assertThat(set.get("rsa-a").verify(reparsed(signed(JWSAlgorithm.RS256, "rsa-a", new RSASSASigner(TestKeys.rsa("rsa-b"))))))
                .isFalse();
    }

    @Test
    void entriesThatAreNotObjectsOrNotKeysAreSkipped() throws Exception {
        KeySet set = parse(jwks("\"a string\"", "42", "null", "{}", "{\"kty\":\"RSA\",\"kid\":\"no-modulus\"}",
                json(TestKeys.rsa("rsa-a").toPublicJWK())));

        assertThat(set.keyIds()).containsExactly("rsa-a");
        assertThat(set.skipped()).isEqualTo(5);
    }

    @Test
    void keyIdsKeepTheDocumentOrder() throws Exception {
        KeySet set = parse(jwks(json(TestKeys.rsa("rsa-b").toPublicJWK()), json(TestKeys.rsa("rsa-a").toPublicJWK())));
        assertThat(set.keyIds()).containsExactly("rsa-b", "rsa-a");
    }

    @Test
    void anEcP256KeyVerifiesAnEs256Token() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-a").keyUse(KeyUse.SIGNATURE).generate();
        VerificationKey key = parse(jwks(json(ec.toPublicJWK()))).get("ec-a");

        assertThat(key.canVerify("ES256")).isTrue();
        assertThat(key.canVerify("ES384")).isFalse();
        assertThat(key.canVerify("RS256")).isFalse();
        assertThat(key.verify(reparsed(signed(JWSAlgorithm.ES256, "ec-a", new ECDSASigner(ec))))).isTrue();
    }

    @Test
    void anEcP256KeyDoesNotVerifyAnotherKeysSignature() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-a").generate();
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("ec-a").generate();
        VerificationKey key = parse(jwks(json(ec.toPublicJWK()))).get("ec-a");

        assertThat(key.verify(reparsed(signed(JWSAlgorithm.ES256, "ec-a", new ECDSASigner(other))))).isFalse();
    }

    @Test
    void ecCurvesMapToTheirOneAlgorithm() throws Exception {
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate().toPublicJWK();
        ECKey p521 = new ECKeyGenerator(Curve.P_521).keyID("p521").generate().toPublicJWK();
        KeySet set = parse(jwks(json(p384), json(p521)));

        assertThat(set.get("p384").canVerify("ES384")).isTrue();
        assertThat(set.get("p384").canVerify("ES256")).isFalse();
        assertThat(set.get("p521").canVerify("ES512")).isTrue();
    }

    @Test
    void anEcKeyWhoseAlgNamesAnotherCurveIsSkipped() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-a").algorithm(JWSAlgorithm.ES384).generate().toPublicJWK();
        assertThat(parse(jwks(json(ec))).size()).isZero();
    }

    @Test
    void anEd25519KeyVerifiesAnEdDsaTokenSignedByTheJdk() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        VerificationKey key = parse(jwks(okp("Ed25519", "ed-a", pair))).get("ed-a");

        assertThat(key.canVerify("EdDSA")).isTrue();
        assertThat(key.canVerify("RS256")).isFalse();
        assertThat(key.verify(SignedJWT.parse(edDsaToken("ed-a", pair, "{\"sub\":\"user\"}")))).isTrue();
    }

    @Test
    void anEd25519KeyRejectsATamperedPayload() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        VerificationKey key = parse(jwks(okp("Ed25519", "ed-a", pair))).get("ed-a");
        String[] parts = edDsaToken("ed-a", pair, "{\"sub\":\"user\"}").split("\\.");
        String tampered = parts[0] + "." + B64.encodeToString("{\"sub\":\"admin\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        assertThat(key.verify(SignedJWT.parse(tampered))).isFalse();
    }

    @Test
    void anEd25519KeyRejectsAnotherKeysSignature() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        VerificationKey key = parse(jwks(okp("Ed25519", "ed-a", pair))).get("ed-a");

        assertThat(key.verify(SignedJWT.parse(edDsaToken("ed-a", other, "{\"sub\":\"user\"}")))).isFalse();
    }

    @Test
    void anX25519KeyIsSkipped() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        KeySet set = parse(jwks(okp("X25519", "x-a", pair)));

        assertThat(set.get("x-a")).isNull();
        assertThat(set.skipped()).isEqualTo(1);
    }

    @Test
    void anEd25519KeyOfTheWrongLengthIsSkipped() throws Exception {
        String shortKey = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"ed-short\",\"x\":\"" + B64.encodeToString(new byte[31]) + "\"}";
        assertThat(parse(jwks(shortKey)).get("ed-short")).isNull();
    }

    @Test
    void anEmptyKeysArrayIsAnEmptySet() throws Exception {
        KeySet set = parse("{\"keys\":[]}");
        assertThat(set.size()).isZero();
        assertThat(set.skipped()).isZero();
    }

    @Test
    void theEmptySetHasNoKeys() {
        assertThat(KeySet.EMPTY.size()).isZero();
        assertThat(KeySet.EMPTY.get("any")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"key\":[]}", "{\"keys\":\"none\"}", "{\"keys\":{}}", "[]", "not json", ""})
    void aDocumentWithoutAKeysArrayIsAParseException(String json) {
        assertThatThrownBy(() -> KeySet.parse(json)).isInstanceOf(ParseException.class);
    }

    /** An OKP JWK (RFC 8037) for a JDK key pair: the raw public key is the tail of its X.509 encoding. */
    private static String okp(String curve, String kid, KeyPair pair) {
        byte[] spki = pair.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        return "{\"kty\":\"OKP\",\"crv\":\"" + curve + "\",\"kid\":\"" + kid + "\",\"use\":\"sig\",\"x\":\"" + B64.encodeToString(raw) + "\"}";
    }

    /** An EdDSA compact JWS assembled by hand and signed with the JDK's Ed25519. */
    private static String edDsaToken(String kid, KeyPair pair, String payloadJson) throws GeneralSecurityException {
        String header = "{\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\",\"typ\":\"at+jwt\"}";
        String input = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(pair.getPrivate());
        signer.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(signer.sign());
    }
}

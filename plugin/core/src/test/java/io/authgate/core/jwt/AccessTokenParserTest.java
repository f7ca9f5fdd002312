package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import io.authgate.testkit.SegmentBytes;
import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Structural rules the conformance table does not pin: what the parser reads and what it refuses. */
class AccessTokenParserTest {
    private static final String ISSUER = "https://auth.example.com";
    private static final long NOW = 1_767_225_600L;
    private final TokenMinter minter = new TokenMinter(ISSUER);

    private static TokenRejection rejectionOf(String compact) {
        RejectedTokenException e = catchThrowableOfType(RejectedTokenException.class, () -> AccessTokenParser.parse(compact));
        assertThat(e).as("rejected: %s", compact).isNotNull();
        return e.rejection();
    }

    @Test
    void readsTheHeaderAndClaims() {
        AccessToken t = AccessTokenParser.parse(minter.mint(TokenRecipe.VALID, NOW)).token();

        assertThat(t.algorithm()).isEqualTo("RS256");
        assertThat(t.type()).isEqualTo("at+jwt");
        assertThat(t.issuer()).isEqualTo(ISSUER);
        assertThat(t.audience()).containsExactly(ISSUER);
        assertThat(t.expiresAt()).isEqualTo(NOW + 1800);
        assertThat(t.issuedAt()).isEqualTo(NOW);
        assertThat(t.notBefore()).isEqualTo(AccessToken.ABSENT);
        assertThat(t.clientId()).isEqualTo("e0e0b5b0f6a2c3d4");
        assertThat(t.scopes()).containsExactly("openid", "offline_access", "https://authgear.com/scopes/full-access");
    }

    /** A valid token's header and signature around a payload written by hand. */
    private String withPayload(String json) {
        String[] parts = minter.mint(TokenRecipe.VALID, NOW).split("\\.");
        String payload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return parts[0] + "." + payload + "." + parts[2];
    }

    @Test
    void aDuplicateClaimIsMalformedSoNoTwoReadersSeeTwoValues() {
        assertThat(rejectionOf(withPayload("{\"sub\":\"a\",\"sub\":\"b\",\"exp\":" + (NOW + 60) + "}")))
                .isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void contentAfterThePayloadObjectIsMalformed() {
        assertThat(rejectionOf(withPayload("{\"sub\":\"a\",\"exp\":" + (NOW + 60) + "} {\"sub\":\"b\"}")))
                .isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void aPayloadThatIsNotAnObjectIsMalformed() {
        assertThat(rejectionOf(withPayload("[1,2]"))).isEqualTo(TokenRejection.MALFORMED);
        assertThat(rejectionOf(withPayload("null"))).isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void aHandWrittenPayloadIsReadLikeAMintedOne() {
        AccessToken t = AccessTokenParser.parse(withPayload("{\"sub\":\"u\",\"exp\":" + (NOW + 60) + "}")).token();
        assertThat(t.subject()).isEqualTo("u");
        assertThat(t.expiresAt()).isEqualTo(NOW + 60);
    }

    @Test
    void fractionalTimesAreRoundedDown() {
        AccessToken t = AccessTokenParser.parse(minter.mint(TokenRecipe.withClaims(Map.of("exp", NOW + 10.9)), NOW)).token();
        assertThat(t.expiresAt()).isEqualTo(NOW + 10);
    }

    @Test
    void aTokenAtTheSizeCapIsReadAndOneCharacterMoreIsTooLarge() {
        String atCap = "a".repeat(AccessTokenParser.MAX_TOKEN_LENGTH);
        assertThat(rejectionOf(atCap)).isEqualTo(TokenRejection.MALFORMED);
        assertThat(rejectionOf(atCap + "a")).isEqualTo(TokenRejection.TOO_LARGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a..c", ".b.c", "a.b.", "a.b", "a.b.c.d", "a+b.c.d", "a/b.c.d", "a=.b.c",
            "a.b.c ", " a.b.c", "a.b.c\n"})
    void anythingButThreeNonEmptyBase64UrlSegmentsIsMalformed(String compact) {
        assertThat(rejectionOf(compact)).isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void aPaddedSignatureIsMalformed() {
        String token = minter.mint(TokenRecipe.VALID, NOW);
        assertThat(rejectionOf(token + "=")).isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void anEmptyKidIsMissing() {
        assertThat(rejectionOf(minter.mint(TokenRecipe.VALID.withHeader(Map.of("kid", "")), NOW)))
                .isEqualTo(TokenRejection.MISSING_KEY_ID);
    }

    @Test
    void anAudienceOfTheWrongTypeIsMalformed() {
        assertThat(rejectionOf(minter.mint(TokenRecipe.withClaims(Map.of("aud", 42)), NOW))).isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void rolesWithANonStringAreMalformed() {
        assertThat(rejectionOf(minter.mint(TokenRecipe.withClaims(
                Map.of("https://authgear.com/claims/user/roles", java.util.List.of("admin", 1))), NOW)))
                .isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void anExpOfTheWrongTypeIsMalformed() {
        assertThat(rejectionOf(minter.mint(TokenRecipe.withClaims(Map.of("exp", "tomorrow")), NOW)))
                .isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void theIdentityHeadersAreBuiltFromTheClaims() {
        AccessToken t = AccessTokenParser.parse(minter.mint(TokenRecipe.VALID, NOW)).token();
        assertThat(VerifiedToken.of(t).headers().get("x-authgear-user-roles")).isEqualTo("admin,editor");
        assertThat(VerifiedToken.of(t).headers().get("x-authgear-session-amr")).isEqualTo("pwd mfa otp");
    }

    @Test
    void toStringShowsNoClaimsBeyondSubjectExpiryAndKid() {
        AccessToken t = AccessTokenParser.parse(minter.mint(TokenRecipe.VALID, NOW)).token();
        assertThat(t.toString()).doesNotContain("admin").doesNotContain("pwd").doesNotContain(ISSUER);
    }

    // --- strict UTF-8 JSON (RFC 7519 §7.2); the conformance table runs the hostile corpus on every front ---

    /** A valid token's header and signature around these payload bytes. */
    private String withPayloadBytes(byte[] payload) {
        String[] parts = minter.mint(TokenRecipe.VALID, NOW).split("\\.");
        return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + "." + parts[2];
    }

    private static final String MINIMAL = "{\"sub\":\"u\",\"exp\":" + (NOW + 60) + "}";

    @ParameterizedTest
    @ValueSource(strings = {"UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE", "UTF-32"})
    void aPayloadInAnotherUnicodeEncodingIsMalformed(String charset) {
        assertThat(AccessTokenParser.parse(withPayloadBytes(MINIMAL.getBytes(java.nio.charset.StandardCharsets.UTF_8))).token().subject())
                .as("the same JSON in UTF-8 is read").isEqualTo("u");
        assertThat(rejectionOf(withPayloadBytes(MINIMAL.getBytes(java.nio.charset.Charset.forName(charset))))).isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void aNulByteAnywhereIsMalformed() {
        // Valid UTF-8, never valid JSON, and the byte Jackson reads as the sign of UTF-16/32.
        assertThat(rejectionOf(withPayloadBytes((MINIMAL + "\u0000").getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .isEqualTo(TokenRejection.MALFORMED);
        assertThat(rejectionOf(withPayloadBytes(("{\u0000" + MINIMAL.substring(1)).getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .isEqualTo(TokenRejection.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud800", "\\udfff", "\\udc00\\ud800", "\\ud800\\u0041", "\\ud83d"})
    void aLoneSurrogateEscapedInANameIsMalformedToo(String escape) {
        // in a claim Authgate never reads: every string of the payload must be text
        assertThat(rejectionOf(withPayload("{\"sub\":\"u\",\"exp\":" + (NOW + 60) + ",\"x" + escape + "\":1}")))
                .isEqualTo(TokenRejection.MALFORMED);
        assertThat(rejectionOf(withPayload("{\"sub\":\"u\",\"exp\":" + (NOW + 60) + ",\"x\":[{\"y\":\"" + escape + "\"}]}")))
                .isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void anEscapedSurrogatePairIsOneCharacter() {
        AccessToken t = AccessTokenParser.parse(withPayload("{\"sub\":\"u\\ud83d\\ude00\",\"exp\":" + (NOW + 60) + "}")).token();
        assertThat(t.subject()).isEqualTo("u\ud83d\ude00");
        assertThat(VerifiedToken.of(t).headers().get("x-authgear-user-id")).isEqualTo("u\ud83d\ude00");
    }

    @Test
    void theHeaderIsReadAsStrictlyAsThePayload() {
        String token = minter.mint(TokenRecipe.VALID.withHeader(Map.of("x", "~")), NOW);
        assertThat(AccessTokenParser.parse(token).header().getCustomParam("x")).isEqualTo("~");
        for (String bytes : java.util.List.of("\u00ff", "\u00c0\u00af", "\u00ed\u00a0\u0080", "\\ud800")) {
            String hostile = minter.mint(TokenRecipe.VALID.withHeader(Map.of("x", "~"))
                    .withHeaderBytes(new SegmentBytes("UTF-8", false, java.util.List.of(java.util.List.of("~", bytes)))), NOW);
            assertThat(rejectionOf(hostile)).as("%s", bytes.chars().boxed().toList()).isEqualTo(TokenRejection.MALFORMED);
        }
        assertThat(rejectionOf(minter.mint(TokenRecipe.VALID.withHeaderBytes(new SegmentBytes("UTF-8", true, java.util.List.of())), NOW)))
                .isEqualTo(TokenRejection.MALFORMED);
    }

    @Test
    void aDuplicateHeaderParameterIsMalformed() {
        String[] parts = minter.mint(TokenRecipe.VALID, NOW).split("\\.");
        String header = "{\"alg\":\"RS256\",\"kid\":\"a\",\"kid\":\"b\",\"typ\":\"at+jwt\"}";
        String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + parts[1] + "." + parts[2];
        assertThat(rejectionOf(token)).isEqualTo(TokenRejection.MALFORMED);
    }
}

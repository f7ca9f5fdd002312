package io.authgate.core.jwt;

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
        assertThat(t.headers().get("x-authgear-user-roles")).isEqualTo("admin,editor");
        assertThat(t.headers().get("x-authgear-session-amr")).isEqualTo("pwd mfa otp");
    }

    @Test
    void toStringShowsNoClaimsBeyondSubjectExpiryAndKid() {
        AccessToken t = AccessTokenParser.parse(minter.mint(TokenRecipe.VALID, NOW)).token();
        assertThat(t.toString()).doesNotContain("admin").doesNotContain("pwd").doesNotContain(ISSUER);
    }
}

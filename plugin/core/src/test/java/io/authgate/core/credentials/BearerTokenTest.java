package io.authgate.core.credentials;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The Authorization header as Authgear reads it: split at the first space, scheme case-insensitive. */
class BearerTokenTest {

    @Test
    void bearerSchemeYieldsTheRest() {
        assertThat(BearerToken.from("Bearer abc.def.ghi")).isEqualTo("abc.def.ghi");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer", "BEARER", "Bearer", "bEaReR"})
    void schemeIsComparedCaseInsensitively(String scheme) {
        assertThat(BearerToken.from(scheme + " tok")).isEqualTo("tok");
    }

    @Test
    void onlyTheFirstSpaceSplitsSoASecondSpaceStaysInTheToken() {
        assertThat(BearerToken.from("Bearer  tok")).isEqualTo(" tok");
    }

    @Test
    void spacesInsideTheRestAreKept() {
        assertThat(BearerToken.from("Bearer a b c")).isEqualTo("a b c");
    }

    @Test
    void trailingWhitespaceIsNotTrimmed() {
        assertThat(BearerToken.from("Bearer tok ")).isEqualTo("tok ");
        assertThat(BearerToken.from("Bearer tok\t")).isEqualTo("tok\t");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic dXNlcjpwYXNz", "DPoP tok", "Token tok", "Bearers tok", "Bear tok", "Digest x=1"})
    void otherSchemesCarryNoToken(String header) {
        assertThat(BearerToken.from(header)).isNull();
    }

    @Test
    void schemeWithNothingAfterTheSpaceIsNoToken() {
        assertThat(BearerToken.from("Bearer ")).isNull();
    }

    @Test
    void schemeWithoutASpaceIsNoToken() {
        assertThat(BearerToken.from("Bearer")).isNull();
    }

    @Test
    void schemeGluedToTheTokenIsNoToken() {
        assertThat(BearerToken.from("Bearertok")).isNull();
    }

    @Test
    void aTabIsNotTheSeparator() {
        assertThat(BearerToken.from("Bearer\ttok")).isNull();
    }

    @Test
    void aLeadingSpaceMakesTheSchemeEmpty() {
        assertThat(BearerToken.from(" Bearer tok")).isNull();
    }

    @Test
    void emptyHeaderIsNoToken() {
        assertThat(BearerToken.from("")).isNull();
    }

    @Test
    void absentHeaderIsNoToken() {
        assertThat(BearerToken.from(null)).isNull();
    }
}

package io.authgate.core.credentials;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The Authorization header as Authgear reads it: split at the first space, scheme case-insensitive. */
class BearerTokenTest {

    @Test
    void bearerSchemeYieldsTheRest() {
        assertThat(BearerToken.of("Bearer abc.def.ghi").value()).isEqualTo("abc.def.ghi");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer", "BEARER", "Bearer", "bEaReR"})
    void schemeIsComparedCaseInsensitively(String scheme) {
        assertThat(BearerToken.of(scheme + " tok").value()).isEqualTo("tok");
    }

    @Test
    void onlyTheFirstSpaceSplitsSoASecondSpaceStaysInTheToken() {
        assertThat(BearerToken.of("Bearer  tok").value()).isEqualTo(" tok");
    }

    @Test
    void spacesInsideTheRestAreKept() {
        assertThat(BearerToken.of("Bearer a b c").value()).isEqualTo("a b c");
    }

    @Test
    void trailingWhitespaceIsNotTrimmed() {
        assertThat(BearerToken.of("Bearer tok ").value()).isEqualTo("tok ");
        assertThat(BearerToken.of("Bearer tok\t").value()).isEqualTo("tok\t");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic dXNlcjpwYXNz", "DPoP tok", "Token tok", "Bearers tok", "Bear tok", "Digest x=1"})
    void otherSchemesCarryNoToken(String header) {
        assertThat(BearerToken.of(header)).isSameAs(BearerToken.NONE);
    }

    @Test
    void schemeWithNothingAfterTheSpaceIsNoToken() {
        assertThat(BearerToken.of("Bearer ")).isSameAs(BearerToken.NONE);
    }

    @Test
    void schemeWithoutASpaceIsNoToken() {
        assertThat(BearerToken.of("Bearer")).isSameAs(BearerToken.NONE);
    }

    @Test
    void schemeGluedToTheTokenIsNoToken() {
        assertThat(BearerToken.of("Bearertok")).isSameAs(BearerToken.NONE);
    }

    @Test
    void aTabIsNotTheSeparator() {
        assertThat(BearerToken.of("Bearer\ttok")).isSameAs(BearerToken.NONE);
    }

    @Test
    void aLeadingSpaceMakesTheSchemeEmpty() {
        assertThat(BearerToken.of(" Bearer tok")).isSameAs(BearerToken.NONE);
    }

    @Test
    void emptyHeaderIsNoToken() {
        assertThat(BearerToken.of("")).isSameAs(BearerToken.NONE);
    }

    @Test
    void absentHeaderIsNoToken() {
        assertThat(BearerToken.of(null)).isSameAs(BearerToken.NONE);
    }
}

package io.authgate.core.headers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which client-sent header names claim to be identity headers and so must never reach the upstream. */
class IdentityHeaderNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"x-authgear-user-id", "X-Authgear-User-Id", "X-AUTHGEAR-USER-ID", "x-AuThGeAr-user-id"})
    void matchesInAnyCase(String name) {
        assertThat(IdentityHeaderNames.isIdentityHeader(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x_authgear_user_id", "X_Authgear_User_Verified", "x_authgear-user-id", "x-authgear_session_valid",
            "X-Authgear_User_Roles"})
    void underscoresCountAsDashes(String name) {
        assertThat(IdentityHeaderNames.isIdentityHeader(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-authgear-", "X_AUTHGEAR_", "x-authgear_"})
    void theBarePrefixMatches(String name) {
        assertThat(IdentityHeaderNames.isIdentityHeader(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Authgear-Session-Acr", "x-authgear-anything-else", "x-authgear-user-id-extra"})
    void namesAuthgateNeverWritesStillMatch(String name) {
        assertThat(IdentityHeaderNames.isIdentityHeader(name)).isTrue();
    }

    @Test
    void everyNameAuthgateWritesMatches() {
        assertThat(List.of(IdentityHeaderNames.SESSION_VALID, IdentityHeaderNames.USER_ID, IdentityHeaderNames.USER_ANONYMOUS,
                IdentityHeaderNames.USER_VERIFIED, IdentityHeaderNames.USER_CAN_REAUTHENTICATE, IdentityHeaderNames.USER_ROLES,
                IdentityHeaderNames.SESSION_AMR, IdentityHeaderNames.SESSION_AUTHENTICATED_AT))
                .allMatch(IdentityHeaderNames::isIdentityHeader);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-authgearx", "x-authgearx-user-id", "x-authgea", "x-authgear", "X_AUTHGEAR", "x-authgea-user-id",
            "xx-authgear-user-id", "authgear-user-id", " x-authgear-user-id", "x.authgear.user.id", "x-authgear\u2010user-id",
            "authorization", "cookie", ""})
    void otherNamesDoNotMatch(String name) {
        assertThat(IdentityHeaderNames.isIdentityHeader(name)).isFalse();
    }

    @Test
    void nullDoesNotMatch() {
        assertThat(IdentityHeaderNames.isIdentityHeader(null)).isFalse();
    }
}

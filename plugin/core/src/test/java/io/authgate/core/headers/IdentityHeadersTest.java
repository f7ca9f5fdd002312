package io.authgate.core.headers;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Claims to headers, as the contract's mapping table says. */
class IdentityHeadersTest {
    private static final String USER = "c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11";

    private static SessionClaims claims(List<String> roles, List<String> amr, long authTime) {
        return new SessionClaims(USER, false, true, true, roles, amr, authTime);
    }

    private static List<String> names(IdentityHeaders h) {
        return h.asList().stream().map(Header::name).toList();
    }

    @Test
    void aFullSessionYieldsEveryHeaderInOrder() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of("admin", "editor"), List.of("pwd", "mfa", "otp"), 1136171045L));

        assertThat(h.asList()).containsExactly(
                new Header("x-authgear-session-valid", "true"),
                new Header("x-authgear-user-id", USER),
                new Header("x-authgear-user-anonymous", "false"),
                new Header("x-authgear-user-verified", "true"),
                new Header("x-authgear-user-can-reauthenticate", "true"),
                new Header("x-authgear-user-roles", "admin,editor"),
                new Header("x-authgear-session-amr", "pwd mfa otp"),
                new Header("x-authgear-session-authenticated-at", "1136171045"));
    }

    @Test
    void headerNamesAreLowerCase() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of("a"), List.of("pwd"), 1));
        assertThat(names(h)).allSatisfy(n -> assertThat(n).isEqualTo(n.toLowerCase()).startsWith("x-authgear-"));
    }

    @Test
    void rolesAreJoinedWithACommaAndNoSpace() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of("a", "b", "c"), List.of(), 0));
        assertThat(h.get(IdentityHeaderNames.USER_ROLES)).isEqualTo("a,b,c");
    }

    @Test
    void oneRoleHasNoSeparator() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of("viewer"), List.of(), 0));
        assertThat(h.get(IdentityHeaderNames.USER_ROLES)).isEqualTo("viewer");
    }

    @Test
    void rolesHeaderIsOmittedWhenThereAreNoRoles() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of(), List.of("pwd"), 1));
        assertThat(names(h)).doesNotContain(IdentityHeaderNames.USER_ROLES);
        assertThat(h.get(IdentityHeaderNames.USER_ROLES)).isNull();
    }

    @Test
    void amrIsJoinedWithASingleSpace() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of(), List.of("pwd", "mfa", "otp"), 0));
        assertThat(h.get(IdentityHeaderNames.SESSION_AMR)).isEqualTo("pwd mfa otp");
    }

    @Test
    void amrHeaderIsPresentAndEmptyWhenThereIsNoAmr() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of(), List.of(), 0));
        assertThat(names(h)).contains(IdentityHeaderNames.SESSION_AMR);
        assertThat(h.get(IdentityHeaderNames.SESSION_AMR)).isEmpty();
    }

    @Test
    void authenticatedAtIsOmittedWhenZero() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of(), List.of(), 0));
        assertThat(names(h)).doesNotContain(IdentityHeaderNames.SESSION_AUTHENTICATED_AT);
    }

    @Test
    void authenticatedAtIsADecimalInteger() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of(), List.of(), 4102444800L));
        assertThat(h.get(IdentityHeaderNames.SESSION_AUTHENTICATED_AT)).isEqualTo("4102444800");
    }

    @Test
    void booleansAreWrittenAsTrueOrFalse() {
        IdentityHeaders h = IdentityHeaders.validSession(new SessionClaims(USER, true, false, false, List.of(), List.of(), 0));
        assertThat(h.get(IdentityHeaderNames.USER_ANONYMOUS)).isEqualTo("true");
        assertThat(h.get(IdentityHeaderNames.USER_VERIFIED)).isEqualTo("false");
        assertThat(h.get(IdentityHeaderNames.USER_CAN_REAUTHENTICATE)).isEqualTo("false");
    }

    @Test
    void aMinimalSessionHasExactlySixHeaders() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of(), List.of(), 0));
        assertThat(names(h)).containsExactly("x-authgear-session-valid", "x-authgear-user-id", "x-authgear-user-anonymous",
                "x-authgear-user-verified", "x-authgear-user-can-reauthenticate", "x-authgear-session-amr");
    }

    @Test
    void noAcrHeaderIsEverWritten() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of("a"), List.of("pwd"), 1));
        assertThat(names(h)).noneMatch(n -> n.contains("acr"));
    }

    @Test
    void theHeaderListIsImmutable() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of("a"), List.of("pwd"), 1));
        assertThatThrownBy(() -> h.asList().add(new Header("x-authgear-user-roles", "superuser")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void noneHasNoHeaders() {
        assertThat(IdentityHeaders.NONE.isEmpty()).isTrue();
        assertThat(IdentityHeaders.NONE.asList()).isEmpty();
    }

    @Test
    void sessionInvalidHasOnlySessionValidFalse() {
        assertThat(IdentityHeaders.SESSION_INVALID.asList()).containsExactly(new Header("x-authgear-session-valid", "false"));
    }

    @Test
    void ofAnEmptyListIsNone() {
        assertThat(IdentityHeaders.of(List.of())).isSameAs(IdentityHeaders.NONE);
    }

    @Test
    void ofCopiesTheGivenList() {
        List<Header> given = new ArrayList<>(List.of(new Header("x-authgear-session-valid", "false")));
        IdentityHeaders h = IdentityHeaders.of(given);
        given.add(new Header("x-authgear-user-id", "attacker"));
        assertThat(h.asList()).containsExactly(new Header("x-authgear-session-valid", "false"));
    }

    @Test
    void getOfAnAbsentHeaderIsNull() {
        assertThat(IdentityHeaders.NONE.get(IdentityHeaderNames.USER_ID)).isNull();
    }

    @Test
    void sessionClaimsCopyTheirLists() {
        List<String> roles = new ArrayList<>(List.of("a"));
        SessionClaims c = claims(roles, List.of(), 0);
        roles.add("superuser");
        assertThat(c.roles()).containsExactly("a");
    }

    @Test
    void http1FieldLinesAreTheHeadersAsWrittenOnTheWireBuiltOnce() {
        IdentityHeaders h = IdentityHeaders.validSession(claims(List.of("admin"), List.of(), 7));
        byte[] lines = h.http1FieldLines();
        assertThat(new String(lines, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(
                "x-authgear-session-valid: true\r\n"
                        + "x-authgear-user-id: " + USER + "\r\n"
                        + "x-authgear-user-anonymous: false\r\n"
                        + "x-authgear-user-verified: true\r\n"
                        + "x-authgear-user-can-reauthenticate: true\r\n"
                        + "x-authgear-user-roles: admin\r\n"
                        + "x-authgear-session-amr: \r\n"
                        + "x-authgear-session-authenticated-at: 7\r\n");
        assertThat(h.http1FieldLines()).isSameAs(lines);
        assertThat(IdentityHeaders.NONE.http1FieldLines()).isEmpty();
    }

    @Test
    void valuesThatAreNotSafeAreLeftToTheFrontsEncoderWhichRefusesThem() {
        for (String bad : List.of("a\r\nx-injected: 1", "a\nb", "nul\u0000", "del\u007f", "nel\u0085", "c1\u0080", "c1\u009f",
                "lone\ud800", "lone\udc00", "reversed\udc00\ud800")) {
            IdentityHeaders h = IdentityHeaders.validSession(new SessionClaims(bad, false, true, true, List.of(), List.of(), 0));
            assertThat(h.http1FieldLines()).as("%s", bad.codePoints().boxed().toList()).isNull();
            assertThatThrownBy(() -> HeaderValues.utf8(bad)).as("%s", bad.codePoints().boxed().toList())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining(bad);
        }
        IdentityHeaders tab = IdentityHeaders.validSession(new SessionClaims("a\tb c", false, true, true, List.of(), List.of(), 0));
        assertThat(tab.http1FieldLines()).isNotNull();
    }

    @Test
    void textThatIsNotAsciiIsWrittenAsItsUtf8Bytes() {
        // U+00A0 is the first character past the C1 controls; U+1F600 is a surrogate pair in Java.
        String user = "caf\u00e9-\u7528\u6237-\u00a0-\ud83d\ude00";
        IdentityHeaders h = IdentityHeaders.validSession(new SessionClaims(user, false, true, true, List.of("r\u00f4le"), List.of(), 0));
        byte[] lines = h.http1FieldLines();
        assertThat(lines).isNotNull();
        String text = new String(lines, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).contains("x-authgear-user-id: " + user + "\r\n").contains("x-authgear-user-roles: r\u00f4le\r\n");
        byte[] expected = ("x-authgear-user-id: " + user + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(indexOf(lines, expected)).as("the user id's UTF-8 bytes, not ISO-8859-1 or '?'").isNotNegative();
        assertThat(HeaderValues.utf8(user)).containsExactly(user.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(HeaderValues.utf8("\ud83d\ude00")).containsExactly(0xf0 - 256, 0x9f - 256, 0x98 - 256, 0x80 - 256);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}

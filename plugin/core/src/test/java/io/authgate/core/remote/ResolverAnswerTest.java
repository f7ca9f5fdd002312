package io.authgate.core.remote;

import io.authgate.core.RemoteSessionKind;
import io.authgate.core.headers.Header;
import io.authgate.core.headers.IdentityHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading a resolver's answer: what makes a session, and what reaches the upstream when it does not. */
class ResolverAnswerTest {
    private static Map<String, String> valid() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Authgear-Session-Valid", "true");
        h.put("X-Authgear-User-Id", "c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11");
        h.put("X-Authgear-User-Anonymous", "false");
        h.put("X-Authgear-User-Verified", "true");
        h.put("X-Authgear-User-Can-Reauthenticate", "true");
        h.put("X-Authgear-User-Roles", "admin,editor");
        h.put("X-Authgear-Session-Amr", "pwd mfa");
        h.put("X-Authgear-Session-Authenticated-At", "1136171045");
        return h;
    }

    private static RemoteSession read(Map<String, String> answered) {
        return ResolverAnswer.read(name -> answered.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst());
    }

    @Test
    void aFullAnswerIsAValidSessionTakenAsItIs() {
        RemoteSession s = read(valid());
        assertThat(s.kind()).isEqualTo(RemoteSessionKind.VALID);
        assertThat(s.headers().asList()).hasSize(8).contains(new Header("x-authgear-user-roles", "admin,editor"));
        assertThat(s.claims().roles()).containsExactly("admin", "editor");
        assertThat(s.claims().amr()).containsExactly("pwd", "mfa");
        assertThat(s.claims().authTime()).isEqualTo(1136171045L);
    }

    @Test
    void noContractHeaderIsNoSession() {
        assertThat(read(Map.of("X-Other", "1"))).isSameAs(RemoteSession.NONE);
    }

    @Test
    void anAnswerMissingAPartIsSessionValidFalseAloneNeverAUserId() {
        for (String missing : new String[] {"X-Authgear-User-Anonymous", "X-Authgear-User-Verified",
                "X-Authgear-User-Can-Reauthenticate", "X-Authgear-User-Id"}) {
            Map<String, String> h = valid();
            h.remove(missing);
            RemoteSession s = read(h);
            assertThat(s.kind()).as(missing).isEqualTo(RemoteSessionKind.INVALID);
            assertThat(s.headers()).as(missing).isSameAs(IdentityHeaders.SESSION_INVALID);
        }
        Map<String, String> badTime = valid();
        badTime.put("X-Authgear-Session-Authenticated-At", "yesterday");
        assertThat(read(badTime).headers()).isSameAs(IdentityHeaders.SESSION_INVALID);
        Map<String, String> oddFlag = valid();
        oddFlag.put("X-Authgear-User-Anonymous", "False");
        assertThat(read(oddFlag).kind()).isEqualTo(RemoteSessionKind.INVALID);
    }

    @Test
    void aControlCharacterInAValueIsNotASession() {
        Map<String, String> h = valid();
        h.put("X-Authgear-User-Roles", "admin\u0001");
        RemoteSession s = read(h);
        assertThat(s.kind()).isEqualTo(RemoteSessionKind.INVALID);
        assertThat(s.headers()).isSameAs(IdentityHeaders.SESSION_INVALID);
    }

    /** A value as the JDK's HTTP client hands it over: one char per byte. */
    private static String octets(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void valuesAreReadAsUtf8TextFromTheBytesAuthgearWrote() {
        Map<String, String> h = valid();
        h.put("X-Authgear-User-Roles", octets("caf\u00e9,\u7ba1\u7406\u8005,\ud83d\ude00"));
        RemoteSession s = read(h);
        assertThat(s.kind()).isEqualTo(RemoteSessionKind.VALID);
        assertThat(s.claims().roles()).containsExactly("caf\u00e9", "\u7ba1\u7406\u8005", "\ud83d\ude00");
        assertThat(s.headers().get("x-authgear-user-roles")).isEqualTo("caf\u00e9,\u7ba1\u7406\u8005,\ud83d\ude00");
    }

    @Test
    void bytesThatAreNotUtf8AreNotASession() {
        // ISO-8859-1 e-acute alone, an overlong slash, a surrogate's bytes, a byte never in UTF-8, a cut sequence
        for (String bad : List.of("caf\u00e9", "a\u00c0\u00af", "\u00ed\u00a0\u0080", "\u00ff", "\u00e2\u0082")) {
            for (String name : List.of("X-Authgear-User-Id", "X-Authgear-User-Roles", "X-Authgear-Session-Amr")) {
                Map<String, String> h = valid();
                h.put(name, h.get(name) + bad);
                RemoteSession s = read(h);
                assertThat(s.kind()).as("%s %s", name, bad.chars().boxed().toList()).isEqualTo(RemoteSessionKind.INVALID);
                assertThat(s.headers()).isSameAs(IdentityHeaders.SESSION_INVALID);
            }
        }
    }

    @Test
    void aCharThatIsNotAByteIsNotASession() {
        Map<String, String> h = valid();
        h.put("X-Authgear-User-Id", "\u7528");
        assertThat(read(h).kind()).isEqualTo(RemoteSessionKind.INVALID);
    }

    @Test
    void aC1ControlCharacterInAValueIsNotASession() {
        Map<String, String> h = valid();
        h.put("X-Authgear-User-Roles", octets("admin\u0085"));
        assertThat(read(h).kind()).isEqualTo(RemoteSessionKind.INVALID);
    }

    @Test
    void sessionValidFalseIsPassedOn() {
        RemoteSession s = read(Map.of("X-Authgear-Session-Valid", "false"));
        assertThat(s.kind()).isEqualTo(RemoteSessionKind.INVALID);
        assertThat(s.headers().asList()).containsExactly(new Header("x-authgear-session-valid", "false"));
    }

    @Test
    void sessionValidTrueWithoutAUserIsNotASession() {
        Optional<String> yes = Optional.of("true");
        assertThat(ResolverAnswer.read(name -> name.equals("x-authgear-session-valid") ? yes : Optional.empty()).kind())
                .isEqualTo(RemoteSessionKind.INVALID);
    }
}

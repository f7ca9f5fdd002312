package io.authgate.core.credentials;

import io.authgate.core.config.ConfigParser;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Authgear's session cookies in Cookie header values: its order, its prefix, Go's first-wins rule. */
class SessionCookiesTest {
    private static final SessionCookies DEFAULT = cookiesWithPrefix("");

    private static SessionCookies cookiesWithPrefix(String prefix) {
        return new SessionCookies(ConfigParser.parseJson(
                "{\"authgear_endpoint\":\"https://auth.example.com\",\"cookie_prefix\":\"" + prefix + "\"}").sessionCookieNames());
    }

    private static List<SessionCookie> find(SessionCookies cookies, String... headers) {
        return cookies.find(Arrays.asList(headers));
    }

    @Test
    void noCookieHeaderFindsNothing() {
        assertThat(DEFAULT.find(List.of())).isEmpty();
    }

    @Test
    void findsEachSessionCookieByName() {
        assertThat(find(DEFAULT, "app_session=s1")).containsExactly(new SessionCookie("app_session", "s1"));
        assertThat(find(DEFAULT, "app_access_token=t1")).containsExactly(new SessionCookie("app_access_token", "t1"));
        assertThat(find(DEFAULT, "session=i1")).containsExactly(new SessionCookie("session", "i1"));
    }

    @Test
    void resultsAreInAuthgearsOrderWhateverTheHeaderOrder() {
        assertThat(find(DEFAULT, "session=i1; app_access_token=t1; app_session=s1")).containsExactly(
                new SessionCookie("app_session", "s1"),
                new SessionCookie("app_access_token", "t1"),
                new SessionCookie("session", "i1"));
    }

    @Test
    void otherCookiesAreIgnored() {
        assertThat(find(DEFAULT, "theme=dark; _ga=GA1.2.3; session=i1; lang=en"))
                .containsExactly(new SessionCookie("session", "i1"));
    }

    @Test
    void prefixIsPutBeforeEveryName() {
        assertThat(find(cookiesWithPrefix("my_"), "my_session=i1; my_app_session=s1; my_app_access_token=t1")).containsExactly(
                new SessionCookie("my_app_session", "s1"),
                new SessionCookie("my_app_access_token", "t1"),
                new SessionCookie("my_session", "i1"));
    }

    @Test
    void withAPrefixTheUnprefixedNamesDoNotMatch() {
        assertThat(find(cookiesWithPrefix("my_"), "session=i1; app_session=s1; app_access_token=t1")).isEmpty();
    }

    @Test
    void firstCookieOfANameWinsWithinOneHeader() {
        assertThat(find(DEFAULT, "session=first; session=second")).containsExactly(new SessionCookie("session", "first"));
    }

    @Test
    void firstCookieOfANameWinsAcrossSeveralCookieHeaders() {
        assertThat(find(DEFAULT, "theme=dark; session=first", "session=second; app_session=s1")).containsExactly(
                new SessionCookie("app_session", "s1"),
                new SessionCookie("session", "first"));
    }

    @Test
    void anEmptyFirstCookieOfANameIsNotReplacedByALaterOne() {
        assertThat(find(DEFAULT, "session=", "session=later")).isEmpty();
    }

    @Test
    void anEmptyValueIsNoCookie() {
        assertThat(find(DEFAULT, "app_session=; session=i1")).containsExactly(new SessionCookie("session", "i1"));
    }

    @Test
    void quotedValuesAreUnquoted() {
        assertThat(find(DEFAULT, "session=\"quoted-value\"")).containsExactly(new SessionCookie("session", "quoted-value"));
    }

    @Test
    void anEqualsSignInTheValueIsPartOfTheValue() {
        assertThat(find(DEFAULT, "session=abc==")).containsExactly(new SessionCookie("session", "abc=="));
    }

    @Test
    void whitespaceAroundPairsIsIgnored() {
        assertThat(find(DEFAULT, "  theme=dark ;   session=i1  ")).containsExactly(new SessionCookie("session", "i1"));
    }

    @Test
    void namesThatOnlyShareAPrefixOrSuffixDoNotMatch() {
        assertThat(find(DEFAULT, "xsession=a; sessionx=b; app_session_x=c; my_app_session=d; app_access_token2=e; _session=f"))
                .isEmpty();
    }

    @Test
    void namesAreCaseSensitive() {
        assertThat(find(DEFAULT, "Session=a; APP_SESSION=b; App_Access_Token=c")).isEmpty();
    }

    @Test
    void aNameWithoutAValueIsNoCookie() {
        assertThat(find(DEFAULT, "session; app_session")).isEmpty();
    }

    @Test
    void nullHeaderEntriesAreSkipped() {
        assertThat(find(DEFAULT, null, "session=i1")).containsExactly(new SessionCookie("session", "i1"));
    }

    @Test
    void cookieToStringNeverShowsTheValue() {
        assertThat(new SessionCookie("session", "secret-value")).hasToString("SessionCookie[session]");
    }
}

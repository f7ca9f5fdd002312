package io.authgate.core.browser;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.authgate.core.config.BrowserSettings;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigSection;
import io.authgate.core.config.Mode;
import io.authgate.core.headers.Header;
import io.authgate.core.BrowserAnswers;
import io.authgate.core.BrowserRequest;
import io.authgate.core.Decision;
import io.authgate.core.GatewayRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 15 items 3 and 4 in the core: which requests are preflights and navigations, and what they get. */
class BrowserAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8";
    private static final GatewayRequest NO_CREDENTIALS = new GatewayRequest(null, List.of());
    private static final Decision.Deny CHALLENGE = new Decision.Deny(401,
            List.of(new Header("www-authenticate", "Bearer realm=\"x\""), new Header("content-type", "application/json")), "{}");
    private static final Decision.Deny FORBIDDEN = new Decision.Deny(403, List.of(), "{}");

    static BrowserSettings settings(String json, Mode mode) {
        try {
            return BrowserSettings.parse(ConfigSection.root(JSON.readTree(json), "must be an object"), mode);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static final BrowserAnswers LOGIN = BrowserAnswers.of(settings("""
            {"login_redirect": {"url": "https://auth.example.com/login", "allowed_origins": ["https://app.example.com", "http://127.0.0.1:8080"]}}""",
            Mode.ENFORCE));

    private static BrowserRequest page(String method, String accept, String mode, String xrw, String scheme, String host, String uri) {
        return new BrowserRequest(method, null, null, accept, mode, xrw, scheme, host, uri);
    }

    private static BrowserRequest navigation(String host, String uri) {
        return page("GET", BROWSER_ACCEPT, "navigate", null, "https", host, uri);
    }

    @Test
    void aNavigationWithoutASessionGoesToTheLoginPageWithItsUrl() {
        Decision d = LOGIN.afterResolve(CHALLENGE, navigation("app.example.com", "/orders?page=2&x=%2F"), BrowserAnswers.RedirectStyle.FOUND);
        Decision.Deny deny = (Decision.Deny) d;
        assertThat(deny.status()).isEqualTo(302);
        assertThat(deny.headers()).contains(new Header("location",
                "https://auth.example.com/login?redirect_uri=https%3A%2F%2Fapp.example.com%2Forders%3Fpage%3D2%26x%3D%252F"),
                new Header("cache-control", "no-store"));
    }

    @Test
    void forNginxTheRedirectIsA401CarryingTheLocationAndTheChallenge() {
        Decision.Deny deny = (Decision.Deny) LOGIN.afterResolve(CHALLENGE, navigation("APP.example.com:443", "/"),
                BrowserAnswers.RedirectStyle.UNAUTHORIZED_WITH_LOCATION);
        assertThat(deny.status()).isEqualTo(401);
        assertThat(deny.headers()).contains(new Header("location", "https://auth.example.com/login?redirect_uri=https%3A%2F%2Fapp.example.com%2F"),
                new Header("www-authenticate", "Bearer realm=\"x\""), new Header("cache-control", "no-store"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example.com", "app.example.com.evil.com", "app.example.com@evil.com", "app.example.com/x", "evil.com#app.example.com",
            "app.example.com:8443", "app.example.com:99999", "", "app.example.com\r\nx: y", "[::1", "app.example.com:"})
    void anOriginOutsideTheAllowedOnesKeepsThe401(String host) {
        assertThat(LOGIN.afterResolve(CHALLENGE, navigation(host, "/"), BrowserAnswers.RedirectStyle.FOUND)).as(host).isSameAs(CHALLENGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"//evil.com/", "evil.com", "/a b", "/a\r\nLocation: x", "/\\evil.com", "/é", "/a#b", ""})
    void aRequestTargetThatIsNotAPathKeepsThe401(String uri) {
        assertThat(LOGIN.afterResolve(CHALLENGE, navigation("app.example.com", uri), BrowserAnswers.RedirectStyle.FOUND)).as(uri).isSameAs(CHALLENGE);
    }

    @Test
    void aTooLongTargetKeepsThe401() {
        String at = "/" + "a".repeat(OriginalUrl.MAX_URI_LENGTH - 1);
        assertThat(LOGIN.afterResolve(CHALLENGE, navigation("app.example.com", at), BrowserAnswers.RedirectStyle.FOUND)).isNotSameAs(CHALLENGE);
        assertThat(LOGIN.afterResolve(CHALLENGE, navigation("app.example.com", at + "a"), BrowserAnswers.RedirectStyle.FOUND)).isSameAs(CHALLENGE);
    }

    @Test
    void theSchemeIsPartOfTheOrigin() {
        BrowserRequest plain = page("GET", BROWSER_ACCEPT, null, null, "http", "app.example.com", "/");
        assertThat(LOGIN.afterResolve(CHALLENGE, plain, BrowserAnswers.RedirectStyle.FOUND)).isSameAs(CHALLENGE);
        BrowserRequest local = page("GET", BROWSER_ACCEPT, null, null, "http", "127.0.0.1:8080", "/");
        assertThat(((Decision.Deny) LOGIN.afterResolve(CHALLENGE, local, BrowserAnswers.RedirectStyle.FOUND)).status()).isEqualTo(302);
    }

    @Test
    void apiRequestsKeepTheirChallenge() {
        for (BrowserRequest api : List.of(
                page("GET", "application/json", null, null, "https", "app.example.com", "/"),
                page("GET", "*/*", null, null, "https", "app.example.com", "/"),
                page("GET", null, null, null, "https", "app.example.com", "/"),
                page("GET", BROWSER_ACCEPT, "cors", null, "https", "app.example.com", "/"),
                page("GET", BROWSER_ACCEPT, "no-cors", null, "https", "app.example.com", "/"),
                page("GET", BROWSER_ACCEPT, null, "XMLHttpRequest", "https", "app.example.com", "/"),
                page("POST", BROWSER_ACCEPT, "navigate", null, "https", "app.example.com", "/"),
                page("OPTIONS", BROWSER_ACCEPT, "navigate", null, "https", "app.example.com", "/"),
                page("GET", "application/json, text/html;q=0.5", null, null, "https", "app.example.com", "/"),
                page("GET", "text/html;q=0", null, null, "https", "app.example.com", "/"),
                page("GET", "text/html;q=2", null, null, "https", "app.example.com", "/"),
                page("GET", "text/html," + "x".repeat(Navigation.MAX_ACCEPT_LENGTH), null, null, "https", "app.example.com", "/"))) {
            assertThat(LOGIN.afterResolve(CHALLENGE, api, BrowserAnswers.RedirectStyle.FOUND)).as("%s", api).isSameAs(CHALLENGE);
        }
    }

    @Test
    void aHeadNavigationAndATextHtmlOnlyAcceptAreNavigations() {
        assertThat(Navigation.is(page("HEAD", "text/html", null, null, "https", "h", "/"))).isTrue();
        assertThat(Navigation.is(page("GET", "TEXT/HTML ; q=1.0, */*;q=1", null, null, "https", "h", "/"))).isTrue();
    }

    @Test
    void a403StaysA403AndAnAllowStaysAnAllow() {
        assertThat(LOGIN.afterResolve(FORBIDDEN, navigation("app.example.com", "/"), BrowserAnswers.RedirectStyle.FOUND)).isSameAs(FORBIDDEN);
        assertThat(LOGIN.afterResolve(Decision.Allow.NO_SESSION, navigation("app.example.com", "/"), BrowserAnswers.RedirectStyle.FOUND))
                .isSameAs(Decision.Allow.NO_SESSION);
        assertThat(BrowserAnswers.NONE.afterResolve(CHALLENGE, navigation("app.example.com", "/"), BrowserAnswers.RedirectStyle.FOUND))
                .isSameAs(CHALLENGE);
    }

    @Test
    void aLoginUrlWithAQueryGetsTheParameterAppended() {
        BrowserAnswers a = BrowserAnswers.of(settings("""
                {"login_redirect": {"url": "https://auth.example.com/login?client=web", "allowed_origins": ["https://app.example.com"],
                 "parameter": "return_to"}}""", Mode.ENFORCE));
        Decision.Deny deny = (Decision.Deny) a.afterResolve(CHALLENGE, navigation("app.example.com", "/x"), BrowserAnswers.RedirectStyle.FOUND);
        assertThat(deny.headers().get(0)).isEqualTo(new Header("location",
                "https://auth.example.com/login?client=web&return_to=https%3A%2F%2Fapp.example.com%2Fx"));
    }

    // --- preflight ----------------------------------------------------------------------------------

    private static final BrowserAnswers CORS = BrowserAnswers.of(settings("{\"allow_cors_preflight\": true}", Mode.ENFORCE));

    private static BrowserRequest options(String method, String origin, String acrm) {
        return new BrowserRequest(method, origin, acrm, "*/*", "cors", null, "https", "h", "/");
    }

    @Test
    void aPreflightWithoutCredentialsPasses() {
        assertThat(CORS.passesPreflight(options("OPTIONS", "https://app.example.com", "PUT"), NO_CREDENTIALS)).isTrue();
    }

    @Test
    void onlyACredentialLessPreflightPasses() {
        assertThat(CORS.passesPreflight(options("OPTIONS", null, "PUT"), NO_CREDENTIALS)).as("no Origin").isFalse();
        assertThat(CORS.passesPreflight(options("OPTIONS", "", "PUT"), NO_CREDENTIALS)).as("empty Origin").isFalse();
        assertThat(CORS.passesPreflight(options("OPTIONS", "https://a", null), NO_CREDENTIALS)).as("no ACRM").isFalse();
        assertThat(CORS.passesPreflight(options("OPTIONS", "https://a", "P UT"), NO_CREDENTIALS)).as("ACRM not a token").isFalse();
        assertThat(CORS.passesPreflight(options("OPTIONS", "https://a", "X".repeat(33)), NO_CREDENTIALS)).as("ACRM too long").isFalse();
        assertThat(CORS.passesPreflight(options("options", "https://a", "PUT"), NO_CREDENTIALS)).as("methods are case-sensitive").isFalse();
        for (String method : List.of("GET", "POST", "DELETE", "HEAD", "PUT")) {
            assertThat(CORS.passesPreflight(options(method, "https://a", "PUT"), NO_CREDENTIALS)).as(method).isFalse();
        }
        assertThat(CORS.passesPreflight(options("OPTIONS", "https://a", "PUT"), GatewayRequest.of("Bearer x", null))).as("bearer").isFalse();
        assertThat(CORS.passesPreflight(options("OPTIONS", "https://a", "PUT"), GatewayRequest.of(null, "session=x"))).as("cookie").isFalse();
        assertThat(BrowserAnswers.NONE.passesPreflight(options("OPTIONS", "https://a", "PUT"), NO_CREDENTIALS)).as("off by default").isFalse();
        assertThat(LOGIN.passesPreflight(options("OPTIONS", "https://a", "PUT"), NO_CREDENTIALS)).as("login alone").isFalse();
    }

    // --- configuration --------------------------------------------------------------------------------

    private static String rejected(String json, Mode mode, String key) {
        try {
            settings(json, mode);
        } catch (ConfigException e) {
            assertThat(e.key()).as(e.getMessage()).isEqualTo(key);
            return e.reason();
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void offByDefaultAndBadValuesNameTheirKey() {
        assertThat(settings("{}", Mode.RESOLVE)).isEqualTo(BrowserSettings.NONE);
        assertThat(BrowserAnswers.of(settings("{}", Mode.ENFORCE)).readsRequests()).isFalse();
        assertThat(rejected("{\"allow_cors_preflight\": true}", Mode.RESOLVE, "allow_cors_preflight")).contains("only with mode: enforce");
        assertThat(rejected("{\"allow_cors_preflight\": \"yes\"}", Mode.ENFORCE, "allow_cors_preflight")).isNotEmpty();
        String ok = "\"allowed_origins\": [\"https://a.example\"]";
        assertThat(rejected("{\"login_redirect\": {\"url\": \"https://l\"," + ok + "}}", Mode.RESOLVE, "login_redirect")).contains("enforce");
        assertThat(rejected("{\"login_redirect\": {\"url\": \"/login\"," + ok + "}}", Mode.ENFORCE, "login_redirect.url")).contains("absolute");
        assertThat(rejected("{\"login_redirect\": {\"url\": \"javascript:alert(1)\"," + ok + "}}", Mode.ENFORCE, "login_redirect.url")).contains("absolute");
        assertThat(rejected("{\"login_redirect\": {\"url\": \"https://l/#x\"," + ok + "}}", Mode.ENFORCE, "login_redirect.url")).contains("fragment");
        assertThat(rejected("{\"login_redirect\": {\"url\": \"https://l/\"}}", Mode.ENFORCE, "login_redirect.allowed_origins")).contains("open redirect");
        assertThat(rejected("{\"login_redirect\": {\"url\": \"https://l/\", \"allowed_origins\": [\"https://a/x\"]}}", Mode.ENFORCE,
                "login_redirect.allowed_origins[]")).contains("origin");
        assertThat(rejected("{\"login_redirect\": {\"url\": \"https://l/\", \"allowed_origins\": [\"*\"]}}", Mode.ENFORCE,
                "login_redirect.allowed_origins[]")).isNotEmpty();
        assertThat(rejected("{\"login_redirect\": {\"url\": \"https://l/\"," + ok + ", \"parameter\": \"a&b\"}}", Mode.ENFORCE,
                "login_redirect.parameter")).contains("query parameter");
        assertThat(rejected("{\"login_redirect\": {\"url\": \"https://l/\"," + ok + ", \"urls\": 1}}", Mode.ENFORCE, "login_redirect.urls"))
                .isNotEmpty();
    }
}

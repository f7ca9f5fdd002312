package io.authgate.forwardauth.it;

import io.authgate.forwardauth.it.TraefikForwardAuthReplay.AuthRequest;
import io.authgate.forwardauth.it.TraefikForwardAuthReplay.AuthResponse;
import io.authgate.forwardauth.it.TraefikForwardAuthReplay.ClientRequest;
import io.authgate.forwardauth.it.TraefikForwardAuthReplay.ClientResponse;
import io.authgate.forwardauth.it.TraefikForwardAuthReplay.ForwardAuth;
import io.authgate.forwardauth.it.TraefikForwardAuthReplay.GoHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay's pure steps against Traefik's own test cases (traefik/traefik v3.7.9
 * pkg/middlewares/auth/forward_test.go), so that what the ITs send to the real adapter is what
 * Traefik would send. The HTTP part is exercised by the ITs.
 */
class TraefikForwardAuthReplayTest {

    // --- TestForwardAuth_writeHeader, every case, same inputs and the same checks ---------------

    record WriteHeaderCase(String desc, Map<String, String> headers, List<String> authRequestHeaders, boolean trustForwardHeader,
                           boolean emptyHost, Map<String, String> expectedHeaders, boolean checkForUnexpectedHeaders) {
        @Override
        public String toString() {
            return desc;
        }
    }

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Stream<WriteHeaderCase> writeHeaderCases() {
        Map<String, String> xfDefaults = map("X-Forwarded-Proto", "http", "X-Forwarded-Host", "foo.bar",
                "X-Forwarded-Uri", "/path?q=1", "X-Forwarded-Method", "GET", "X-Forwarded-Port", "80");
        return Stream.of(
                new WriteHeaderCase("trust forward header", map("Accept", "application/json", "X-Forwarded-Host", "fii.bir"),
                        List.of(), true, false, map("Accept", "application/json", "X-Forwarded-Host", "fii.bir"), false),
                new WriteHeaderCase("not trust forward header", map("Accept", "application/json", "X-Forwarded-Host", "fii.bir"),
                        List.of(), false, false, map("Accept", "application/json", "X-Forwarded-Host", "foo.bar"), false),
                new WriteHeaderCase("trust forward header with empty Host", map("Accept", "application/json", "X-Forwarded-Host", "fii.bir"),
                        List.of(), true, true, map("Accept", "application/json", "X-Forwarded-Host", "fii.bir"), false),
                new WriteHeaderCase("not trust forward header with empty Host", map("Accept", "application/json", "X-Forwarded-Host", "fii.bir"),
                        List.of(), false, true, map("Accept", "application/json"), false),
                new WriteHeaderCase("trust forward header with forwarded URI",
                        map("Accept", "application/json", "X-Forwarded-Host", "fii.bir", "X-Forwarded-Uri", "/forward?q=1"),
                        List.of(), true, false,
                        map("Accept", "application/json", "X-Forwarded-Host", "fii.bir", "X-Forwarded-Uri", "/forward?q=1"), false),
                new WriteHeaderCase("not trust forward header with forward requested URI",
                        map("Accept", "application/json", "X-Forwarded-Host", "fii.bir", "X-Forwarded-Uri", "/forward?q=1"),
                        List.of(), false, false,
                        map("Accept", "application/json", "X-Forwarded-Host", "foo.bar", "X-Forwarded-Uri", "/path?q=1"), false),
                new WriteHeaderCase("trust forward header with forwarded request Method", map("X-Forwarded-Method", "OPTIONS"),
                        List.of(), true, false, map("X-Forwarded-Method", "OPTIONS"), false),
                new WriteHeaderCase("not trust forward header with forward request Method", map("X-Forwarded-Method", "OPTIONS"),
                        List.of(), false, false, map("X-Forwarded-Method", "GET"), false),
                new WriteHeaderCase("remove hop-by-hop headers",
                        map("Connection", "Connection", "Keep-Alive", "KeepAlive", "Proxy-Authenticate", "ProxyAuthenticate",
                                "Proxy-Authorization", "ProxyAuthorization", "Te", "Te", "Trailers", "Trailers",
                                "Transfer-Encoding", "TransferEncoding", "Upgrade", "Upgrade", "X-CustomHeader", "CustomHeader"),
                        List.of(), false, false,
                        with(xfDefaults, "X-CustomHeader", "CustomHeader", "Proxy-Authenticate", "ProxyAuthenticate",
                                "Proxy-Authorization", "ProxyAuthorization", "User-Agent", ""), true),
                new WriteHeaderCase("filter forward request headers",
                        map("X-CustomHeader", "CustomHeader", "Content-Type", "multipart/form-data; boundary=---123456"),
                        List.of("X-CustomHeader"), false, false, with(xfDefaults, "x-customHeader", "CustomHeader"), true),
                new WriteHeaderCase("filter forward request headers doesn't add new headers",
                        map("X-CustomHeader", "CustomHeader", "Content-Type", "multipart/form-data; boundary=---123456"),
                        List.of("X-CustomHeader", "X-Non-Exists-Header"), false, false,
                        with(xfDefaults, "X-CustomHeader", "CustomHeader"), true),
                new WriteHeaderCase("set empty User-Agent header if header is allowed but missing",
                        map("X-CustomHeader", "CustomHeader", "Accept", "application/json"),
                        List.of("X-CustomHeader", "Accept", "User-Agent"), false, false,
                        with(xfDefaults, "X-CustomHeader", "CustomHeader", "Accept", "application/json", "User-Agent", ""), true),
                new WriteHeaderCase("ignore User-Agent header if header is not allowed and missing",
                        map("X-CustomHeader", "CustomHeader", "Accept", "application/json"),
                        List.of("X-CustomHeader", "Accept"), false, false,
                        with(xfDefaults, "X-CustomHeader", "CustomHeader", "Accept", "application/json"), true),
                new WriteHeaderCase("set empty User-Agent header if header is missing",
                        map("X-CustomHeader", "CustomHeader", "Accept", "application/json"),
                        List.of(), false, false,
                        with(xfDefaults, "X-CustomHeader", "CustomHeader", "Accept", "application/json", "User-Agent", ""), true),
                new WriteHeaderCase("authRequestHeaders and XForwarded are kept if trusted",
                        map("X-CustomHeader", "CustomHeader", "X-Forwarded-Uri", "/path?q=2"),
                        List.of("X-CustomHeader"), true, false,
                        with(xfDefaults, "X-CustomHeader", "CustomHeader", "X-Forwarded-Uri", "/path?q=2"), true),
                new WriteHeaderCase("X-Forwarded and X_forwarded headers are removed when not trusted",
                        map("X-CustomHeader", "CustomHeader", "X_forwarded_for", "127.0.0.1", "X-Forwarded-Proto", "xxx"),
                        List.of(), false, false, with(xfDefaults, "X-CustomHeader", "CustomHeader"), false),
                new WriteHeaderCase("X-Forwarded-Proto is not used to calculate X-Forwarded-Port if trustForwardHeader=false",
                        map("X-CustomHeader", "CustomHeader", "X-Forwarded-Proto", "https"),
                        List.of(), false, false, xfDefaults, false));
    }

    private static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.putAll(map(kv));
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writeHeaderCases")
    void writeHeaderAsTraefiksOwnTable(WriteHeaderCase test) {
        ForwardAuth fa = ForwardAuth.of("http://auth.example", test.trustForwardHeader())
                .withAuthRequestHeaders(test.authRequestHeaders());
        // testhelpers.MustNewRequest(GET, "http://foo.bar/path?q=1"): no RemoteAddr, so no X-Forwarded-For.
        ClientRequest req = new ClientRequest("GET", "/path?q=1", test.emptyHost() ? "" : "foo.bar", false, "", List.of());
        GoHeader reqHeader = new GoHeader();
        test.headers().forEach(reqHeader::set); // req.Header.Set(key, value)

        GoHeader actual = TraefikForwardAuthReplay.writeHeader(req, reqHeader, fa.trustForwardHeader(), fa.effectiveAuthRequestHeaders());

        test.expectedHeaders().forEach((key, value) -> {
            assertThat(actual.hasRaw(GoHeader.canonical(key))).as("Expected header %s not found in %s", key, actual).isTrue();
            assertThat(actual.get(key)).as(key).isEqualTo(value);
            actual.del(key);
        });
        if (test.checkForUnexpectedHeaders()) {
            assertThat(actual.keys()).as("Unexpected headers").isEmpty();
        }
        if (!test.trustForwardHeader()) {
            assertThat(actual.keys()).as("underscore spellings of X-Forwarded-* never survive").doesNotContain("X_forwarded_for");
        }
    }

    // --- Go's header names ----------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
            "X-Authgear-User-Id, X-Authgear-User-Id",
            "x-authgear-user-id, X-Authgear-User-Id",
            "X-AUTHGEAR-USER-ID, X-Authgear-User-Id",
            "X_Authgear_User_Id, X_authgear_user_id",
            "x_authgear_user_roles, X_authgear_user_roles",
            "x-authgear_user-id, X-Authgear_user-Id",
            "te, Te",
            "'bad name', 'bad name'"})
    void canonicalNamesAreGos(String name, String canonical) {
        assertThat(GoHeader.canonical(name)).isEqualTo(canonical);
    }

    @Test
    void theUsualRegexMissesUnderscoreSpellingsButTheShippedOneDoesNot() {
        java.util.regex.Pattern usual = java.util.regex.Pattern.compile("^X-Authgear-");
        java.util.regex.Pattern shipped = java.util.regex.Pattern.compile("(?i)^x[-_]authgear[-_]");
        for (String spelling : List.of("X_Authgear_User_Id", "x_authgear_user_id", "X-Authgear_User_Id", "x_AUTHGEAR-user-id")) {
            String key = GoHeader.canonical(spelling);
            assertThat(usual.matcher(key).find()).as("^X-Authgear- on %s", key).isFalse();
            assertThat(shipped.matcher(key).find()).as("shipped regex on %s", key).isTrue();
        }
        assertThat(shipped.matcher(GoHeader.canonical("x-authgear-user-id")).find()).isTrue();
        assertThat(shipped.matcher("X-Authgearish").find()).isFalse();
        assertThat(shipped.matcher("Authorization").find()).isFalse();
    }

    // --- what Go's client puts on the wire ------------------------------------------------------

    @Test
    void goClientWritesNoUserAgentWhenTraefikSetItEmptyAndAsksForGzip() {
        GoHeader fwd = new GoHeader();
        fwd.set("User-Agent", "");
        fwd.set("Authorization", "Bearer x");
        fwd.set("Content-Length", "12");
        assertThat(TraefikForwardAuthReplay.goWire("GET", fwd))
                .containsExactly(Map.entry("Authorization", "Bearer x"), Map.entry("Accept-Encoding", "gzip"));
    }

    @Test
    void goClientSendsItsOwnUserAgentWhenTheKeyIsAbsent() {
        GoHeader fwd = new GoHeader();
        fwd.set("Accept-Encoding", "br");
        assertThat(TraefikForwardAuthReplay.goWire("GET", fwd))
                .containsExactly(Map.entry("User-Agent", TraefikForwardAuthReplay.GO_USER_AGENT), Map.entry("Accept-Encoding", "br"));
    }

    // --- the auth answer: TestForwardAuthSuccess, ...Fail, ...FailResponseHeaders, ...Redirect,
    // ...RemoveHopByHopHeaders, ...PreserveLocationHeader, ...MaxResponseBodySize -----------------

    private static final URI AUTH = URI.create("http://auth.example:9095/_resolver/resolve");

    private static AuthRequest authRequest() {
        return new AuthRequest("GET", AUTH, Map.of(), List.of());
    }

    private static AuthResponse answer(int status, String body, String... headerKv) {
        GoHeader h = new GoHeader();
        for (int i = 0; i < headerKv.length; i += 2) {
            h.add(headerKv[i], headerKv[i + 1]);
        }
        return new AuthResponse(status, h.snapshot(), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void successCopiesListedAndMatchingHeadersAndDeletesTheClientsCopies() {
        ForwardAuth fa = ForwardAuth.of(AUTH.toString(), false)
                .withAuthResponseHeaders(List.of("X-Auth-User", "X-Auth-Group"))
                .withAuthResponseHeadersRegex("^Foo-");
        AuthResponse auth = answer(200, "Success\n", "X-Auth-User", "user@example.com", "X-Auth-Secret", "secret",
                "X-Auth-Group", "group1", "X-Auth-Group", "group2", "Foo-Bar", "auth-value",
                "Set-Cookie", "authCookie=Auth", "Set-Cookie", "authCookieNotAdded=Auth");
        GoHeader req = new GoHeader();
        req.set("X-Auth-Group", "admin_group");
        req.set("Foo-Bar", "client-value");
        req.set("Foo-Baz", "client-value");

        ClientResponse stop = TraefikForwardAuthReplay.applyAuthResponse(fa, authRequest(), auth, req);

        assertThat(stop).as("a 2xx lets the request go on").isNull();
        assertThat(req.get("X-Auth-User")).isEqualTo("user@example.com");
        assertThat(req.get("X-Auth-Secret")).isEmpty();
        assertThat(req.values("X-Auth-Group")).containsExactly("group1", "group2");
        assertThat(req.get("Foo-Bar")).isEqualTo("auth-value");
        assertThat(req.get("Foo-Baz")).as("matching client header deleted, none to copy").isEmpty();
        assertThat(req.values("Set-Cookie")).as("not copied to the request").isEmpty();
    }

    @Test
    void failurePassesStatusHeadersAndBodyIncludingProxyAuthenticate() {
        AuthResponse auth = answer(403, "Forbidden\n", "Proxy-Authenticate", "test", "Content-Type", "text/plain; charset=utf-8",
                "X-Content-Type-Options", "nosniff", "Content-Length", "10");
        ClientResponse r = TraefikForwardAuthReplay.applyAuthResponse(ForwardAuth.of(AUTH.toString(), false), authRequest(), auth, new GoHeader());

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("Proxy-Authenticate")).containsExactly("test");
        assertThat(r.bodyText()).isEqualTo("Forbidden\n");
    }

    @Test
    void failurePassesSetCookieAndOtherHeaders() {
        AuthResponse auth = answer(403, "Forbidden\n", "Set-Cookie", "example=testing; Path=/", "X-Foo", "bar",
                "Content-Type", "text/plain; charset=utf-8", "X-Content-Type-Options", "nosniff", "Content-Length", "10");
        ClientResponse r = TraefikForwardAuthReplay.applyAuthResponse(ForwardAuth.of(AUTH.toString(), false), authRequest(), auth, new GoHeader());

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.headers()).containsOnlyKeys("Set-Cookie", "X-Foo", "Content-Type", "X-Content-Type-Options", "Content-Length");
        assertThat(r.header("Set-Cookie")).containsExactly("example=testing; Path=/");
        assertThat(r.header("X-Foo")).containsExactly("bar");
        assertThat(r.bodyText()).isEqualTo("Forbidden\n");
    }

    @Test
    void redirectIsPassedNotFollowedAndHopByHopHeadersAreRemoved() {
        AuthResponse auth = answer(302, "<a href=\"http://example.com/redirect-test\">Found</a>.\n",
                "Location", "http://example.com/redirect-test", "Connection", "test", "Keep-Alive", "test", "Te", "test",
                "Trailers", "test", "Transfer-Encoding", "chunked", "Upgrade", "test");
        ClientResponse r = TraefikForwardAuthReplay.applyAuthResponse(ForwardAuth.of(AUTH.toString(), false), authRequest(), auth, new GoHeader());

        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).containsExactly("http://example.com/redirect-test");
        assertThat(r.headers()).doesNotContainKeys("Connection", "Keep-Alive", "Te", "Trailers", "Transfer-Encoding", "Upgrade");
        assertThat(r.bodyText()).isNotEmpty();
    }

    @Test
    void relativeLocationIsResolvedAgainstTheAuthAddressUnlessPreserved() {
        AuthResponse auth = answer(401, "Unauthorized\n", "Location", "/index.html");
        ForwardAuth fa = ForwardAuth.of(AUTH.toString(), false);

        assertThat(TraefikForwardAuthReplay.applyAuthResponse(fa, authRequest(), auth, new GoHeader()).header("Location"))
                .containsExactly("http://auth.example:9095/index.html");
        assertThat(TraefikForwardAuthReplay.applyAuthResponse(fa.withPreserveLocationHeader(true), authRequest(), auth, new GoHeader())
                .header("Location")).containsExactly("/index.html");
    }

    static Stream<Arguments> maxResponseBodySizeCases() {
        return Stream.of(
                Arguments.of("auth failure, unlimited response body", -1L, 403, "Forbidden", 403, "Forbidden"),
                Arguments.of("auth failure, response body exceeds the limit", 1L, 403, "Forbidden", 401, ""),
                Arguments.of("auth success within limit", 100L, 200, "ok", 200, null),
                Arguments.of("auth success body exceeds limit", 1L, 200, "large auth response", 401, ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maxResponseBodySizeCases")
    void maxResponseBodySize(String desc, long max, int status, String body, int expectedStatus, String expectedBody) {
        ForwardAuth fa = ForwardAuth.of(AUTH.toString(), false).withMaxResponseBodySize(max);
        ClientResponse r = TraefikForwardAuthReplay.applyAuthResponse(fa, authRequest(), answer(status, body), new GoHeader());
        if (expectedStatus == 200) {
            assertThat(r).as("goes on to the backend").isNull();
        } else {
            assertThat(r.status()).isEqualTo(expectedStatus);
            assertThat(r.bodyText()).isEqualTo(expectedBody);
        }
    }

    // --- TestForwardAuthPreserveRequestMethod ---------------------------------------------------

    @ParameterizedTest
    @CsvSource({"true, POST", "false, GET"})
    void authRequestMethod(boolean preserve, String expected) {
        ForwardAuth fa = ForwardAuth.of(AUTH.toString(), false).withPreserveRequestMethod(preserve);
        AuthRequest r = TraefikForwardAuthReplay.buildAuthRequest(fa,
                ClientRequest.get("foo.bar", "/").withMethod("POST"), new GoHeader());
        assertThat(r.method()).isEqualTo(expected);
        assertThat(r.headers().get("X-Forwarded-Method")).containsExactly("POST");
    }
}

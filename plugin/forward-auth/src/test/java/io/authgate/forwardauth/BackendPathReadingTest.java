package io.authgate.forwardauth;

import io.authgate.core.Decision;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15 item 5: a rule covers a path in every spelling a backend reads as that path. Matrix
 * parameters ({@code ;params}) are stripped from each segment, as Tomcat, Jetty and Spring's
 * {@code UrlPathHelper} do; an encoded {@code ;} ({@code %3B}) is refused, as Spring Security's
 * {@code StrictHttpFirewall} refuses it, because Tomcat keeps it as a literal character while
 * other backends decode it into a separator. {@code match.case_insensitive} covers backends that
 * fold case.
 */
class BackendPathReadingTest {
    private static final String ENDPOINT = "authgear_endpoint: https://myapp.authgear.cloud\n";

    private static RouteMatch admin(boolean caseInsensitive) {
        return AdapterConfigTest.parse(ENDPOINT + "rules:\n  - match: {path_prefix: /admin, case_insensitive: " + caseInsensitive
                + "}\n    mode: enforce\n").rules().get(0).match();
    }

    private static boolean covers(RouteMatch m, String path) {
        return m.matches(new ForwardedTarget("GET", "h", path));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ADMIN", "/Admin/users", "/aDmIn;x=1", "/%41dmin", "/%41DMIN;/", "/ADMIN;jsessionid=1/x", "/admin"})
    void aCaseInsensitivePrefixCoversEveryCaseOfIt(String path) {
        assertThat(covers(admin(true), path)).as(path).isTrue();
        assertThat(PathNormalizer.ambiguous(path)).as(path).isFalse();
    }

    @Test
    void aCaseInsensitivePrefixStillEndsAtASegment() {
        assertThat(covers(admin(true), "/ADMINISTRATOR")).isFalse();
        assertThat(covers(admin(true), "/public")).isFalse();
    }

    @Test
    void caseSensitiveByDefault() {
        RouteMatch m = AdapterConfigTest.parse(ENDPOINT + "rules:\n  - match: {path_prefix: /admin}\n    mode: enforce\n").rules().get(0).match();
        assertThat(covers(m, "/ADMIN")).isFalse();
        assertThat(covers(m, "/admin")).isTrue();
    }

    @Test
    void aCaseInsensitiveRegexFoldsUnicodeToo() {
        RouteMatch m = AdapterConfigTest.parse(ENDPOINT + "rules:\n  - match: {path_regex: '/k[a-z]+', case_insensitive: true}\n"
                + "    mode: enforce\n").rules().get(0).match();
        assertThat(covers(m, "/KEYS")).isTrue();
        // KELVIN SIGN: Java's equalsIgnoreCase, and backends that fold with it, read it as k.
        assertThat(covers(m, "/%E2%84%AAeys")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin;x=1", "/admin;/", "/%61dmin;", "/admin;jsessionid=1/users", "/admin;a;b/c", "//admin;x//y",
            "/%61dmin;x=%41"})
    void matrixParametersNeverHideTheRulesPath(String path) {
        assertThat(covers(admin(false), path)).as(path).isTrue();
        assertThat(PathNormalizer.ambiguous(path)).as(path).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin%3bx", "/admin%3B/x", "/public%3B/../admin", "/%61dmin%3b", "/x;y%3Bz"})
    void anEncodedSemicolonIsRefused(String path) {
        assertThat(PathNormalizer.ambiguous(path)).as(path).isTrue();
        Router router = new Router(java.util.List.of(new Router.Route(admin(false), null)), null, ForwardedHeaders.X_FORWARDED);
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/_resolver/resolve");
        r.headers().set("x-forwarded-method", "GET").set("x-forwarded-uri", path).set("x-forwarded-host", "h");
        Decision d = router.decide(new DecisionRequests(null, ForwardedHeaders.X_FORWARDED, router).read(r)).join();
        assertThat(d).isEqualTo(Router.AMBIGUOUS_PATH);
    }

    @Test
    void caseInsensitiveIsCheckedAtStartUp() {
        assertThat(AdapterConfigTest.rejected(ENDPOINT + "rules:\n  - match: {path_prefix: /a, case_insensitive: yes please}\n"
                + "    mode: enforce\n", "rules[0].match.case_insensitive")).contains("true or false");
        assertThat(AdapterConfigTest.rejected(ENDPOINT + "rules:\n  - match: {host: a.example, case_insensitive: true}\n"
                + "    mode: enforce\nforwarded_headers: x-forwarded\n", "rules[0].match.case_insensitive")).contains("path_prefix or path_regex");
    }
}

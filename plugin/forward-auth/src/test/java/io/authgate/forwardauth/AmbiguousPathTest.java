package io.authgate.forwardauth;

import io.authgate.core.Decision;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A forwarded path the adapter cannot read the way every backend reads it is refused when rules
 * look at paths: the gateways (nginx, Caddy; Traefik for encoded slashes) pass the raw path on, so
 * "/admin/%2e%2e/public" is "/public" to the adapter and still under "/admin" to a backend that does
 * not resolve (encoded) dot segments, and "/admin/%ff" matched no rule at all and fell to the
 * default: with a public default and an enforced "/admin", both reached the backend unauthenticated.
 */
class AmbiguousPathTest {
    private static HttpRequest forwarded(String uri, String host) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/_resolver/resolve");
        r.headers().set("x-forwarded-method", "GET").set("x-forwarded-uri", uri).set("x-forwarded-host", host);
        return r;
    }

    /** Resolvers are never reached for these: a null one would throw. */
    private static Router adminRule() {
        return new Router(List.of(new Router.Route(new RouteMatch(null, "/admin", null, Set.of()), null)), null,
                ForwardedHeaders.X_FORWARDED);
    }

    /** Read at the edge as the decision handler reads it, for the router. */
    private static DecisionRequest decisionRequest(Router router, HttpRequest request) {
        return new DecisionRequests(null, ForwardedHeaders.X_FORWARDED, router).read(request);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin/%ff", "/admin/%E0%A4", "/admin/%zz", "/admin/x%", "/admin/..%2fpublic", "/admin/..%2Fpublic",
            "/admin/%2e%2e/public", "/admin/.%2e/x", "/admin/%2E%2E", "/admin/../public", "/admin/./x", "/admin/x/..",
            "/admin\\..\\public", "/admin/..%5cpublic", "/admin%00/x", "/admin/%0a", "/admin/x?y#z/../..%ff/%2e%2e"})
    void anAmbiguousPathIsRefusedBeforeAnyRuleIsChosen(String uri) {
        if (uri.contains("?")) {
            // the query is not part of the path: this one is fine, and must reach a resolver
            assertThat(PathNormalizer.ambiguous(ForwardedTarget.pathOf(uri))).isFalse();
            return;
        }
        Router router = adminRule();
        Decision d = router.decide(decisionRequest(router, forwarded(uri, "api.example.com"))).join();
        assertThat(d).as(uri).isInstanceOf(Decision.Deny.class);
        Decision.Deny deny = (Decision.Deny) d;
        assertThat(deny.status()).as("passes every gateway as it is (nginx turns a 400 into 500)").isEqualTo(403);
        assertThat(deny.body()).contains("ambiguous");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/admin", "/admin/", "//admin//x", "/%61dmin", "/a.b/c..d/.e", "/caf%C3%A9", "/a;b=c", "/a%20b"})
    void plainPathsAreNotAmbiguous(String path) {
        assertThat(PathNormalizer.ambiguous(path)).as(path).isFalse();
    }

    @Test
    void matrixParametersDoNotHideAPrefix() {
        // Tomcat, Jetty and Spring drop ";params" from a segment: "/admin;x" is "/admin" to them.
        RouteMatch m = new RouteMatch(null, "/admin", null, Set.of());
        assertThat(m.matches(new ForwardedTarget("GET", "h", "/admin;jsessionid=1/users"))).isTrue();
        assertThat(m.matches(new ForwardedTarget("GET", "h", "/admin;x"))).isTrue();
        assertThat(m.matches(new ForwardedTarget("GET", "h", "/administrator;x"))).isFalse();
    }

    @Test
    void aTrailingDotDoesNotHideAHost() {
        // Caddy passes "Host: admin.example.com." on as it is (nginx strips the dot, Traefik's Host rule refuses it).
        RouteMatch m = new RouteMatch("admin.example.com", null, null, Set.of());
        assertThat(m.matches(new ForwardedTarget("GET", "admin.example.com.", "/"))).isTrue();
        assertThat(m.matches(new ForwardedTarget("GET", "admin.example.com..", "/"))).isTrue();
        assertThat(m.matches(new ForwardedTarget("GET", "ADMIN.example.com.:8443", "/"))).isTrue();
        assertThat(m.matches(new ForwardedTarget("GET", "admin.example.com.evil", "/"))).isFalse();
    }
}

package io.authgate.forwardauth;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.authgate.forwardauth.ForwardedHeaders.X_FORWARDED;
import static io.authgate.forwardauth.ForwardedHeaders.X_ORIGINAL;
import static org.assertj.core.api.Assertions.assertThat;

/** The request the gateway asks about, read from the one family of headers the gateway writes. */
class ForwardedTargetTest {

    /** A decision request with these headers, name then value; also for {@link DecisionRequestsTest}. */
    static HttpRequest request(HttpMethod method, String uri, String... nameValues) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        for (int i = 0; i < nameValues.length; i += 2) {
            r.headers().add(nameValues[i], nameValues[i + 1]);
        }
        return r;
    }

    @Test
    void traefikCaddyAndTheShippedNginxConfigSendXForwardedHeaders() {
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve",
                "Host", "authgate:9095",
                "X-Forwarded-Method", "POST",
                "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "api.example.com",
                "X-Forwarded-Uri", "/api/orders?page=2&sort=desc");
        assertThat(ForwardedTarget.of(r, null, X_FORWARDED))
                .isEqualTo(new ForwardedTarget("POST", "api.example.com", "/api/orders"));
    }

    @Test
    void nginxAfterAuthgearsRecipeSendsXOriginalHeadersAndNoHost() {
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve",
                "Host", "authgate_resolver",
                "X-Original-Method", "DELETE",
                "X-Original-URI", "/api/orders/42?force=1");
        assertThat(ForwardedTarget.of(r, null, X_ORIGINAL))
                .isEqualTo(new ForwardedTarget("DELETE", null, "/api/orders/42"));
    }

    @Test
    void theOtherFamilyIsNeverReadSoAClientCannotChooseTheRuleWithIt() {
        // nginx passes the client's X-Forwarded-* to the auth request unless the config sets them;
        // Caddy and Traefik (with authRequestHeaders unset) pass the client's X-Original-*.
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve",
                "X-Original-Method", "DELETE",
                "X-Original-URI", "/admin",
                "X-Forwarded-Method", "GET",
                "X-Forwarded-Uri", "/public",
                "X-Forwarded-Host", "api.example.com");
        assertThat(ForwardedTarget.of(r, null, X_FORWARDED)).isEqualTo(new ForwardedTarget("GET", "api.example.com", "/public"));
        assertThat(ForwardedTarget.of(r, null, X_ORIGINAL)).isEqualTo(new ForwardedTarget("DELETE", null, "/admin"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Forwarded-Method", "X-Forwarded-Uri", "X-Forwarded-Host"})
    void aMissingHeaderOfTheFamilyLeavesTheRequestUndetermined(String missing) {
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve",
                "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/a", "X-Forwarded-Host", "h.example",
                // the other family does not stand in for it
                "X-Original-Method", "GET", "X-Original-URI", "/a", "Host", "h.example");
        r.headers().remove(missing);
        assertThat(ForwardedTarget.of(r, null, X_FORWARDED).undetermined()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Forwarded-Method", "X-Forwarded-Uri", "X-Forwarded-Host"})
    void aRepeatedHeaderOfTheFamilyLeavesTheRequestUndetermined(String repeated) {
        // A gateway that appended its value to the client's would put the client's first.
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve",
                "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/a", "X-Forwarded-Host", "h.example");
        r.headers().add(repeated, "x");
        assertThat(ForwardedTarget.of(r, null, X_FORWARDED).undetermined()).isTrue();
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve",
                "x-forwarded-method", "PATCH", "X-FORWARDED-URI", "/a/b", "x-forwarded-host", "h.example");
        assertThat(ForwardedTarget.of(r, null, X_FORWARDED)).isEqualTo(new ForwardedTarget("PATCH", "h.example", "/a/b"));
    }

    @Test
    void theHostHeaderIsNeverTheForwardedHost() {
        // Behind nginx the auth request's Host is the auth upstream's name.
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve", "Host", "api.example.com",
                "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/a");
        assertThat(ForwardedTarget.of(r, null, X_FORWARDED).undetermined()).isTrue();
    }

    @Test
    void nothingForwardedIsUndetermined() {
        assertThat(ForwardedTarget.of(request(HttpMethod.GET, "/_resolver/resolve"), null, X_FORWARDED))
                .isSameAs(ForwardedTarget.UNDETERMINED);
    }

    @Test
    void envoyKeepsTheOriginalRequestLineUnderThePrefix() {
        HttpRequest r = request(HttpMethod.POST, "/ext_authz/api/orders?page=2", "Host", "api.example.com");
        assertThat(ForwardedTarget.of(r, "/ext_authz", X_FORWARDED))
                .isEqualTo(new ForwardedTarget("POST", "api.example.com", "/api/orders"));
    }

    @Test
    void envoysRequestLineWinsOverForwardedHeaders() {
        HttpRequest r = request(HttpMethod.PUT, "/ext_authz/real", "Host", "api.example.com",
                "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/spoofed", "X-Original-URI", "/spoofed-too",
                "X-Forwarded-Host", "evil.example");
        assertThat(ForwardedTarget.of(r, "/ext_authz", X_FORWARDED))
                .isEqualTo(new ForwardedTarget("PUT", "api.example.com", "/real"));
    }

    @ParameterizedTest
    @CsvSource({
            "/ext_authz, /",
            "/ext_authz?x=1, /",
            "/ext_authz/, /",
            "/ext_authz/a/b/, /a/b/",
            "/ext_authz/a%2Fb?c=d#frag, /a%2Fb",
    })
    void envoyPathIsWhatFollowsThePrefixWithoutTheQuery(String uri, String path) {
        assertThat(ForwardedTarget.of(request(HttpMethod.GET, uri), "/ext_authz", X_FORWARDED).path()).isEqualTo(path);
    }

    @ParameterizedTest
    @CsvSource({
            "/a/b?x=1, /a/b",
            "/a/b#frag, /a/b",
            "/a/b?x=1#frag, /a/b",
            "/a/b#frag?x=1, /a/b",
            "/a?, /a",
            "'?only', ''",
            "/, /",
    })
    void pathOfStripsQueryAndFragment(String uri, String path) {
        assertThat(ForwardedTarget.pathOf(uri)).isEqualTo(path);
    }

    @Test
    void pathOfNullIsNull() {
        assertThat(ForwardedTarget.pathOf(null)).isNull();
    }
}

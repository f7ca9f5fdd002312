package io.authgate.forwardauth;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The request the gateway asks about, as each gateway reports it. */
class ForwardedTargetTest {

    private static HttpRequest request(HttpMethod method, String uri, String... nameValues) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        for (int i = 0; i < nameValues.length; i += 2) {
            r.headers().add(nameValues[i], nameValues[i + 1]);
        }
        return r;
    }

    @Test
    void traefikAndCaddySendXForwardedHeaders() {
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve",
                "Host", "authgate:9095",
                "X-Forwarded-Method", "POST",
                "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "api.example.com",
                "X-Forwarded-Uri", "/api/orders?page=2&sort=desc");
        assertThat(ForwardedTarget.of(r, null))
                .isEqualTo(new ForwardedTarget("POST", "api.example.com", "/api/orders", "https"));
    }

    @Test
    void nginxSendsXOriginalHeaders() {
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve",
                "Host", "api.example.com",
                "X-Original-Method", "DELETE",
                "X-Original-URI", "/api/orders/42?force=1");
        assertThat(ForwardedTarget.of(r, null))
                .isEqualTo(new ForwardedTarget("DELETE", "api.example.com", "/api/orders/42", null));
    }

    @Test
    void xForwardedWinsOverXOriginalWhenBothAreSent() {
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve",
                "X-Original-Method", "DELETE",
                "X-Original-URI", "/from-original",
                "X-Forwarded-Method", "PUT",
                "X-Forwarded-Uri", "/from-forwarded?q");
        ForwardedTarget t = ForwardedTarget.of(r, null);
        assertThat(t.method()).isEqualTo("PUT");
        assertThat(t.path()).isEqualTo("/from-forwarded");
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve",
                "x-forwarded-method", "PATCH", "X-FORWARDED-URI", "/a/b", "x-forwarded-host", "h.example", "X-Forwarded-PROTO", "http");
        assertThat(ForwardedTarget.of(r, null)).isEqualTo(new ForwardedTarget("PATCH", "h.example", "/a/b", "http"));
    }

    @Test
    void hostFallsBackToTheHostHeader() {
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve", "Host", "api.example.com");
        assertThat(ForwardedTarget.of(r, null).host()).isEqualTo("api.example.com");
    }

    @Test
    void nothingForwardedMeansNothingKnown() {
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve");
        assertThat(ForwardedTarget.of(r, null)).isEqualTo(new ForwardedTarget(null, null, null, null));
    }

    @Test
    void envoyKeepsTheOriginalRequestLineUnderThePrefix() {
        HttpRequest r = request(HttpMethod.POST, "/ext_authz/api/orders?page=2", "Host", "api.example.com");
        assertThat(ForwardedTarget.of(r, "/ext_authz"))
                .isEqualTo(new ForwardedTarget("POST", "api.example.com", "/api/orders", null));
    }

    @Test
    void envoysRequestLineWinsOverForwardedHeaders() {
        HttpRequest r = request(HttpMethod.PUT, "/ext_authz/real",
                "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/spoofed", "X-Original-URI", "/spoofed-too");
        ForwardedTarget t = ForwardedTarget.of(r, "/ext_authz");
        assertThat(t.method()).isEqualTo("PUT");
        assertThat(t.path()).isEqualTo("/real");
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
        assertThat(ForwardedTarget.of(request(HttpMethod.GET, uri), "/ext_authz").path()).isEqualTo(path);
    }

    @Test
    void outsideTheEnvoyPrefixTheHeadersCount() {
        HttpRequest r = request(HttpMethod.GET, "/_resolver/resolve", "X-Forwarded-Method", "POST", "X-Forwarded-Uri", "/api");
        ForwardedTarget t = ForwardedTarget.of(r, "/ext_authz");
        assertThat(t.method()).isEqualTo("POST");
        assertThat(t.path()).isEqualTo("/api");
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

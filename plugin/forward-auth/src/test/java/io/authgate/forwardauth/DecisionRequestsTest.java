package io.authgate.forwardauth;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The edge: one read of Netty's request into what the handler and the router look at. */
class DecisionRequestsTest {
    private static HttpRequest request(HttpMethod method, String uri, String... headers) {
        return ForwardedTargetTest.request(method, uri, headers);
    }

    @Test
    void withNoRulesTheForwardedHeadersAreNotRead() {
        DecisionRequest r = new DecisionRequests(null, ForwardedHeaders.X_FORWARDED, false, false).read(request(HttpMethod.GET,
                "/_resolver/resolve?x=1", "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/a", "X-Forwarded-Host", "h",
                "Authorization", "Bearer t", "Cookie", "a=1", "Cookie", "b=2"));
        assertThat(r.path()).isEqualTo("/_resolver/resolve");
        assertThat(r.envoy()).isFalse();
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.target()).isSameAs(ForwardedTarget.UNDETERMINED);
        assertThat(r.credentials().authorization()).isEqualTo("Bearer t");
        assertThat(r.credentials().cookieHeaders()).containsExactly("a=1", "b=2");
    }

    @Test
    void envoysPrefixIsJudgedOnceOnTheRequestPath() {
        DecisionRequests edge = new DecisionRequests("/ext_authz", ForwardedHeaders.X_FORWARDED, true, true);
        DecisionRequest r = edge.read(request(HttpMethod.DELETE, "/ext_authz/%61dmin/x?y=1", "Host", "api.example.com"));
        assertThat(r.envoy()).isTrue();
        assertThat(r.target()).isEqualTo(new ForwardedTarget("DELETE", "api.example.com", "/%61dmin/x"));
        assertThat(r.target().normalizedPath()).isEqualTo("/admin/x");
        assertThat(edge.read(request(HttpMethod.GET, "/ext_authzfoo")).envoy()).as("not on a segment boundary").isFalse();
        assertThat(edge.read(request(HttpMethod.GET, "/ext_authz")).envoy()).isTrue();
    }

    @Test
    void thePathIsNormalizedAndJudgedOnlyWhenARuleReadsPaths() {
        HttpRequest forwarded = request(HttpMethod.GET, "/_resolver/resolve",
                "X-Forwarded-Method", "GET", "X-Forwarded-Uri", "/a/../admin", "X-Forwarded-Host", "h");
        ForwardedTarget read = new DecisionRequests(null, ForwardedHeaders.X_FORWARDED, true, true).read(forwarded).target();
        assertThat(read.normalizedPath()).isEqualTo("/admin");
        assertThat(read.ambiguous()).isTrue();
        ForwardedTarget notRead = new DecisionRequests(null, ForwardedHeaders.X_FORWARDED, true, false).read(forwarded).target();
        assertThat(notRead.path()).isEqualTo("/a/../admin");
        assertThat(notRead.normalizedPath()).isNull();
        assertThat(notRead.ambiguous()).isFalse();
    }
}

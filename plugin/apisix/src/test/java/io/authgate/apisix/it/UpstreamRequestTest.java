package io.authgate.apisix.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The nginx {@code ngx.req.set_header} semantics the end-to-end tests rely on. */
class UpstreamRequestTest {

    private static UpstreamRequest afterRewrite(HttpRequestSpec request, NameValue... changes) {
        ReqCallResult rewrite = ReqCallResult.rewrite(1, 1, null, List.of(changes), List.of());
        return UpstreamRequest.of(request, rewrite).orElseThrow();
    }

    @Test
    void settingReplacesTheFirstMatchInPlaceAndDropsTheOthers() {
        HttpRequestSpec request = HttpRequestSpec.get("/").header("Host", "client.example")
                .header("X-Repeated", "a").header("Accept", "*/*").header("x-repeated", "b").build();

        UpstreamRequest upstream = afterRewrite(request, NameValue.of("x-REPEATED", "v"));

        assertThat(upstream.headers()).containsExactly(NameValue.of("Host", "upstream.test"),
                NameValue.of("X-Repeated", "v"), NameValue.of("Accept", "*/*"));
    }

    @Test
    void underscoreAndDashAreDifferentNames() {
        HttpRequestSpec request = HttpRequestSpec.get("/").header("X_User", "spoofed").build();

        UpstreamRequest upstream = afterRewrite(request, NameValue.of("X-User", "alice"));

        assertThat(upstream.byLowerName()).containsEntry("x_user", List.of("spoofed"))
                .containsEntry("x-user", List.of("alice"));
    }

    @Test
    void nullOrEmptyValueRemovesEveryMatch() {
        HttpRequestSpec request = HttpRequestSpec.get("/").header("Authorization", "a")
                .header("authorization", "b").header("X-Empty", "c").build();

        UpstreamRequest upstream = afterRewrite(request, NameValue.of("AUTHORIZATION", null),
                NameValue.of("x-empty", ""));

        assertThat(upstream.values("authorization")).isEmpty();
        assertThat(upstream.values("X-Empty")).isEmpty();
    }

    @Test
    void rewrittenHostBecomesTheUpstreamHostAndStopNeverReachesTheUpstream() {
        HttpRequestSpec request = HttpRequestSpec.get("/").header("HOST", "client.example").build();

        assertThat(afterRewrite(request, NameValue.of("host", "other.test")).headers())
                .containsExactly(NameValue.of("Host", "other.test"));
        assertThat(UpstreamRequest.of(request, ReqCallResult.stop(1, 1, 401, List.of(), ""))).isEmpty();
    }
}

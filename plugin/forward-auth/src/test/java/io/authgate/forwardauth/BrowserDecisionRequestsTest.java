package io.authgate.forwardauth;

import io.authgate.core.BrowserAnswers;
import io.authgate.core.BrowserRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the adapter reads for the browser features (issue 15 items 3, 4), and only when a route has one on. */
class BrowserDecisionRequestsTest {
    private static HttpRequest forwarded(String uri) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        r.headers().set("x-forwarded-method", "OPTIONS").set("x-forwarded-uri", "/orders?x=1").set("x-forwarded-host", "app.example.com")
                .set("x-forwarded-proto", "https").set("origin", "https://web.example").set("access-control-request-method", "PUT")
                .set("accept", "text/html").set("sec-fetch-mode", "navigate");
        return r;
    }

    @Test
    void theGatewaysWordsAndTheBrowsersHeadersAreRead() {
        DecisionRequest d = new DecisionRequests(null, ForwardedHeaders.X_FORWARDED, false, false, true).read(forwarded("/_resolver/resolve"));
        assertThat(d.browser()).isEqualTo(new BrowserRequest("OPTIONS", "https://web.example", "PUT", "text/html", "navigate", null, "https",
                "app.example.com", "/orders?x=1"));
        assertThat(d.redirectStyle()).isEqualTo(BrowserAnswers.RedirectStyle.FOUND);
    }

    @Test
    void theShippedNginxConfigAsksForA401WithLocation() {
        DecisionRequest d = new DecisionRequests(null, ForwardedHeaders.X_FORWARDED, false, false, true)
                .read(forwarded("/_resolver/resolve?" + DecisionRequests.REDIRECT_AS_401_QUERY));
        assertThat(d.redirectStyle()).isEqualTo(BrowserAnswers.RedirectStyle.UNAUTHORIZED_WITH_LOCATION);
        assertThat(d.path()).isEqualTo(DecisionHandler.RESOLVE_PATH);
    }

    @Test
    void aRepeatedHeaderCountsAsAbsentAndNothingIsReadWithoutAFeature() {
        HttpRequest r = forwarded("/_resolver/resolve");
        r.headers().add("x-forwarded-method", "GET").add("x-forwarded-host", "evil.example");
        BrowserRequest b = new DecisionRequests(null, ForwardedHeaders.X_FORWARDED, false, false, true).read(r).browser();
        assertThat(b.method()).isNull();
        assertThat(b.host()).isNull();
        assertThat(new DecisionRequests(null, ForwardedHeaders.X_FORWARDED, false, false, false).read(r).browser())
                .isSameAs(DecisionRequests.UNREAD_BROWSER);
    }

    @Test
    void envoysRequestLineAndHostAreItsWord() {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.OPTIONS, "/ext_authz/orders?x=1");
        r.headers().set("host", "app.example.com").set("origin", "https://web.example").set("access-control-request-method", "PUT")
                .set("x-forwarded-method", "GET");
        BrowserRequest b = new DecisionRequests("/ext_authz", ForwardedHeaders.X_FORWARDED, false, false, true).read(r).browser();
        assertThat(b.method()).isEqualTo("OPTIONS");
        assertThat(b.host()).isEqualTo("app.example.com");
        assertThat(b.uri()).isEqualTo("/orders?x=1");
    }
}

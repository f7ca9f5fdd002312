package io.authgate.core.jwks;

import io.authgate.core.JwksFailure;
import io.authgate.testkit.TestIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Fetching over real HTTP: discovery once, the transport rule on discovered URIs, and refused answers. */
class HttpJwksFetcherTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final TestIssuer issuer = TestIssuer.start();

    @AfterEach
    void stop() {
        issuer.close();
    }

    private static HttpJwksFetcher discovering(String issuerName, String origin) {
        return new HttpJwksFetcher(CLIENT, issuerName, null, URI.create(origin + "/.well-known/openid-configuration"),
                Duration.ofSeconds(2));
    }

    private HttpJwksFetcher discovering() {
        return discovering(issuer.issuer(), issuer.issuer());
    }

    private static FetchedKeys fetch(HttpJwksFetcher fetcher) throws Exception {
        return fetcher.fetch().get(5, TimeUnit.SECONDS);
    }

    /** Why the fetch failed, as the cache would log it. */
    private static String failureOf(HttpJwksFetcher fetcher) {
        CompletableFuture<FetchedKeys> f = fetcher.fetch();
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertThat(e).as("the fetch fails").isNotNull();
        return HttpJwksFetcher.describe(e.getCause());
    }

    @Test
    void discoveryLeadsToTheIssuersKeys() throws Exception {
        FetchedKeys keys = fetch(discovering());

        assertThat(keys.keys().keyIds()).containsExactly(TestIssuer.CURRENT_KID, TestIssuer.PREVIOUS_KID);
        assertThat(issuer.discoveryFetches()).isEqualTo(1);
        assertThat(issuer.jwksFetches()).isEqualTo(1);
    }

    @Test
    void theDiscoveredJwksUriIsReusedForLaterFetches() throws Exception {
        HttpJwksFetcher fetcher = discovering();
        fetch(fetcher);
        fetch(fetcher);
        fetch(fetcher);

        assertThat(issuer.discoveryFetches()).isEqualTo(1);
        assertThat(issuer.jwksFetches()).isEqualTo(3);
    }

    @Test
    void afterAFailedJwksFetchTheJwksUriIsDiscoveredAgain() throws Exception {
        HttpJwksFetcher fetcher = discovering();
        fetch(fetcher);
        issuer.failWith(503);
        failureOf(fetcher);
        issuer.failWith(0);

        fetch(fetcher);

        assertThat(issuer.discoveryFetches()).isEqualTo(2);
    }

    @Test
    void aConfiguredJwksUriSkipsDiscovery() throws Exception {
        HttpJwksFetcher fetcher = new HttpJwksFetcher(CLIENT, issuer.issuer(), URI.create(issuer.jwksUri()),
                URI.create(issuer.issuer() + "/.well-known/openid-configuration"), Duration.ofSeconds(2));

        fetch(fetcher);

        assertThat(issuer.discoveryFetches()).isZero();
        assertThat(issuer.jwksFetches()).isEqualTo(1);
        assertThat(fetcher.source()).isEqualTo(URI.create(issuer.jwksUri()));
    }

    @Test
    void theCacheControlLifetimeIsReported() throws Exception {
        issuer.cacheControl("public, max-age=120");
        assertThat(fetch(discovering()).maxAge()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void noCacheControlReportsNoLifetime() throws Exception {
        assertThat(fetch(discovering()).maxAge()).isNull();
    }

    @Test
    void aDiscoveryDocumentNamingAnotherIssuerIsAFetchFailure() {
        // The same server under another name: its document names 127.0.0.1, not localhost.
        String otherName = issuer.issuer().replace("127.0.0.1", "localhost");
        String reason = failureOf(discovering(otherName, issuer.issuer()));

        assertThat(reason).contains("names issuer " + issuer.issuer()).contains("expected " + otherName);
        assertThat(issuer.jwksFetches()).isZero();
    }

    @Test
    void aDiscoveredHttpJwksUriOnANonLoopbackHostIsAFetchFailure() {
        try (StubServer stub = new StubServer()) {
            stub.answer("/.well-known/openid-configuration", StubServer.Answer.json(
                    "{\"issuer\":\"" + stub.origin() + "\",\"jwks_uri\":\"http://auth.example.com/oauth2/jwks\"}"));

            assertThat(failureOf(discovering(stub.origin(), stub.origin())))
                    .contains("jwks_uri (discovered)").contains("must use https");
        }
    }

    @Test
    void aDiscoveryDocumentWithoutAnIssuerIsAFetchFailure() {
        try (StubServer stub = new StubServer()) {
            stub.answer("/.well-known/openid-configuration", StubServer.Answer.json(
                    "{\"jwks_uri\":\"" + stub.origin() + "/oauth2/jwks\"}"));

            assertThat(failureOf(discovering(stub.origin(), stub.origin()))).contains("has no issuer");
        }
    }

    @Test
    void aDiscoveredRelativeJwksUriIsAFetchFailure() {
        try (StubServer stub = new StubServer()) {
            stub.answer("/.well-known/openid-configuration", StubServer.Answer.json(
                    "{\"issuer\":\"" + stub.origin() + "\",\"jwks_uri\":\"/oauth2/jwks\"}"));

            assertThat(failureOf(discovering(stub.origin(), stub.origin()))).contains("jwks_uri (discovered)");
        }
    }

    @Test
    void aDiscoveredHttpJwksUriOnLoopbackIsFollowed() throws Exception {
        try (StubServer stub = new StubServer()) {
            stub.answer("/.well-known/openid-configuration", StubServer.Answer.json(
                    "{\"issuer\":\"" + stub.origin() + "\",\"jwks_uri\":\"" + issuer.jwksUri() + "\"}"));

            assertThat(fetch(discovering(stub.origin(), stub.origin())).keys().size()).isEqualTo(2);
            assertThat(issuer.jwksFetches()).isEqualTo(1);
        }
    }

    @Test
    void aDiscoveryDocumentWithoutJwksUriIsAFetchFailure() {
        try (StubServer stub = new StubServer()) {
            stub.answer("/.well-known/openid-configuration", StubServer.Answer.json("{\"issuer\":\"" + stub.origin() + "\"}"));

            assertThat(failureOf(discovering(stub.origin(), stub.origin()))).contains("has no jwks_uri");
        }
    }

    @Test
    void aDiscoveryDocumentThatIsNotJsonIsAFetchFailure() {
        try (StubServer stub = new StubServer()) {
            stub.answer("/.well-known/openid-configuration", StubServer.Answer.json("<html>"));

            assertThat(failureOf(discovering(stub.origin(), stub.origin()))).contains("is not valid");
        }
    }

    @Test
    void aNon200AnswerIsAFetchFailure() {
        issuer.failWith(500);
        assertThat(failureOf(discovering())).contains("answered HTTP 500");
    }

    @Test
    void aRedirectIsNotFollowed() {
        try (StubServer stub = new StubServer().answer("/oauth2/jwks",
                new StubServer.Answer(302, Map.of("Location", issuer.jwksUri()), new byte[0]))) {
            HttpJwksFetcher fetcher = new HttpJwksFetcher(CLIENT, stub.origin(), URI.create(stub.origin() + "/oauth2/jwks"),
                    URI.create(stub.origin() + "/.well-known/openid-configuration"), Duration.ofSeconds(2));

            assertThat(failureOf(fetcher)).contains("answered HTTP 302");
            assertThat(issuer.jwksFetches()).isZero();
        }
    }

    @Test
    void anOversizedBodyIsAFetchFailure() {
        byte[] huge = new byte[HttpJwksFetcher.MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        try (StubServer stub = new StubServer().answer("/oauth2/jwks", new StubServer.Answer(200, Map.of(), huge))) {
            HttpJwksFetcher fetcher = new HttpJwksFetcher(CLIENT, stub.origin(), URI.create(stub.origin() + "/oauth2/jwks"),
                    URI.create(stub.origin() + "/.well-known/openid-configuration"), Duration.ofSeconds(2));

            assertThat(failureOf(fetcher)).contains("more than " + HttpJwksFetcher.MAX_BODY_BYTES + " bytes");
        }
    }

    @Test
    void aBodyThatIsNotAJwksIsAFetchFailure() {
        try (StubServer stub = new StubServer().answer("/oauth2/jwks", StubServer.Answer.json("{\"issuer\":\"x\"}"))) {
            HttpJwksFetcher fetcher = new HttpJwksFetcher(CLIENT, stub.origin(), URI.create(stub.origin() + "/oauth2/jwks"),
                    URI.create(stub.origin() + "/.well-known/openid-configuration"), Duration.ofSeconds(2));

            assertThat(failureOf(fetcher)).contains("is not valid");
        }
    }

    @Test
    void aSlowAnswerTimesOut() {
        issuer.delay(Duration.ofSeconds(3));
        HttpJwksFetcher fetcher = new HttpJwksFetcher(CLIENT, issuer.issuer(), URI.create(issuer.jwksUri()),
                URI.create(issuer.issuer() + "/.well-known/openid-configuration"), Duration.ofMillis(200));

        assertThat(failureOf(fetcher)).contains("HttpTimeoutException");
    }

    @Test
    void describeUnwrapsCompletionExceptions() {
        Throwable wrapped = new java.util.concurrent.CompletionException(new java.io.IOException("connection refused"));
        assertThat(HttpJwksFetcher.describe(wrapped)).isEqualTo("IOException: connection refused");
    }

    /**
     * Each way a real fetch fails is reported as its kind ({@link JwksFailure}), decided from the
     * failure's type: what an operator reads in the log ("dns", "connect", ...) to know where to look.
     */
    @Nested
    class FailureKinds {
        private static HttpJwksFetcher fetcherOf(String origin, Duration timeout) {
            return new HttpJwksFetcher(CLIENT, origin, URI.create(origin + "/oauth2/jwks"),
                    URI.create(origin + "/.well-known/openid-configuration"), timeout);
        }

        private static JwksFailure kindOf(HttpJwksFetcher fetcher) {
            CompletableFuture<FetchedKeys> f = fetcher.fetch();
            ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertThat(e).as("the fetch fails").isNotNull();
            // As the cache sees it: the future's failure, wrapped or not.
            return HttpJwksFetcher.failureOf(new java.util.concurrent.CompletionException(e.getCause()));
        }

        @Test
        void aHostThatDoesNotResolveIsDns() {
            // .invalid never resolves (RFC 6761 §6.4).
            assertThat(kindOf(fetcherOf("http://authgate-test.invalid", Duration.ofSeconds(5)))).isEqualTo(JwksFailure.DNS);
        }

        @Test
        void aRefusedConnectionIsConnect() throws IOException {
            int closed;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = s.getLocalPort();
            }
            assertThat(kindOf(fetcherOf("http://127.0.0.1:" + closed, Duration.ofSeconds(5)))).isEqualTo(JwksFailure.CONNECT);
        }

        @Test
        void aSlowAnswerIsTimeout() {
            issuer.delay(Duration.ofSeconds(3));
            HttpJwksFetcher fetcher = new HttpJwksFetcher(CLIENT, issuer.issuer(), URI.create(issuer.jwksUri()),
                    URI.create(issuer.issuer() + "/.well-known/openid-configuration"), Duration.ofMillis(200));

            assertThat(kindOf(fetcher)).isEqualTo(JwksFailure.TIMEOUT);
        }

        @Test
        void aNon200AnswerIsHttpStatus() {
            issuer.failWith(503);
            assertThat(kindOf(discovering(issuer.issuer(), issuer.issuer()))).isEqualTo(JwksFailure.HTTP_STATUS);
        }

        @Test
        void anOversizedBodyIsTooLarge() {
            byte[] huge = new byte[HttpJwksFetcher.MAX_BODY_BYTES + 1];
            java.util.Arrays.fill(huge, (byte) ' ');
            try (StubServer stub = new StubServer().answer("/oauth2/jwks", new StubServer.Answer(200, Map.of(), huge))) {
                assertThat(kindOf(fetcherOf(stub.origin(), Duration.ofSeconds(2)))).isEqualTo(JwksFailure.TOO_LARGE);
            }
        }

        @Test
        void aBodyThatIsNotAJwksIsBadJson() {
            try (StubServer stub = new StubServer().answer("/oauth2/jwks", StubServer.Answer.json("{\"keys\":"))) {
                assertThat(kindOf(fetcherOf(stub.origin(), Duration.ofSeconds(2)))).isEqualTo(JwksFailure.BAD_JSON);
            }
        }

        @Test
        void aDiscoveryDocumentThatIsNotJsonIsBadJson() {
            try (StubServer stub = new StubServer()) {
                stub.answer("/.well-known/openid-configuration", StubServer.Answer.json("<html>"));
                assertThat(kindOf(discovering(stub.origin(), stub.origin()))).isEqualTo(JwksFailure.BAD_JSON);
            }
        }

        @Test
        void aDiscoveryDocumentForAnotherIssuerIsBadDiscovery() {
            String otherName = issuer.issuer().replace("127.0.0.1", "localhost");
            assertThat(kindOf(discovering(otherName, issuer.issuer()))).isEqualTo(JwksFailure.BAD_DISCOVERY);
        }

        @Test
        void aFetchersOwnFailureIsOther() {
            assertThat(HttpJwksFetcher.failureOf(new IllegalStateException("boom"))).isEqualTo(JwksFailure.OTHER);
        }
    }
}

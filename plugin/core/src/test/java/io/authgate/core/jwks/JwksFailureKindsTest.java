package io.authgate.core.jwks;

import io.authgate.core.JwksFailure;
import io.authgate.testkit.TestIssuer;
import org.junit.jupiter.api.AfterEach;
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

/**
 * Each way a real HTTP fetch fails is reported as its kind ({@link JwksFailure}), decided from the
 * failure's type: what an operator reads in the log ("dns", "connect", ...) to know where to look.
 */
class JwksFailureKindsTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final TestIssuer issuer = TestIssuer.start();

    @AfterEach
    void stop() {
        issuer.close();
    }

    private static HttpJwksFetcher fetcherOf(String origin, Duration timeout) {
        return new HttpJwksFetcher(CLIENT, origin, URI.create(origin + "/oauth2/jwks"),
                URI.create(origin + "/.well-known/openid-configuration"), timeout);
    }

    private static HttpJwksFetcher discovering(String issuerName, String origin) {
        return new HttpJwksFetcher(CLIENT, issuerName, null, URI.create(origin + "/.well-known/openid-configuration"),
                Duration.ofSeconds(2));
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

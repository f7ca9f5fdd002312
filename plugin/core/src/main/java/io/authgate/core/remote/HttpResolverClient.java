package io.authgate.core.remote;

import io.authgate.core.ResolverFailure;
import io.authgate.core.config.ResolverSettings;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks Authgear's resolver with the JDK's non-blocking HTTP client: {@code GET <url>} carrying only
 * the credential's header, no body. When {@code url} is not Authgear's public origin (an in-cluster
 * address), {@code Host} and {@code X-Forwarded-Host}/{@code -Proto} name the public one, since
 * Authgear picks the project by host and checks a token's audience against the request's origin.
 * Redirects are not followed; any status but 200 is an error.
 */
public final class HttpResolverClient implements ResolverClient {
    /** Authgear answers with headers only; anything more is discarded unread. */
    private static final HttpResponse.BodyHandler<Void> DISCARD = HttpResponse.BodyHandlers.discarding();

    private final HttpClient client;
    private final ResolverSettings settings;
    private final String authgearProto;

    public HttpResolverClient(HttpClient client, ResolverSettings settings, String issuer) {
        this.client = client;
        this.settings = settings;
        this.authgearProto = URI.create(issuer).getScheme();
    }

    @Override
    public CompletableFuture<RemoteSession> call(RemoteCredential credential, Duration timeout) {
        Duration limit = timeout.toMillis() < 1 ? Duration.ofMillis(1) : timeout;
        HttpRequest request;
        try {
            request = request(credential, limit);
        } catch (IllegalArgumentException e) {
            // A credential a header cannot carry (a control character): Authgear could not be asked
            // with it either, so it resolves to nothing.
            return CompletableFuture.completedFuture(RemoteSession.NONE);
        }
        long timeoutMillis = limit.toMillis();
        CompletableFuture<HttpResponse<Void>> exchange = client.sendAsync(request, DISCARD);
        // The client's own timeout covers the wait for the answer; this bounds the whole call,
        // connecting included, so a caller that waits (the APISIX runner) waits no longer.
        return exchange.copy()
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    if (error != null) {
                        // Stop the exchange too, so a slow Authgear does not pile up connections.
                        exchange.cancel(true);
                        throw ResolverUnavailableException.of(error);
                    }
                    if (response.statusCode() != 200) {
                        throw new ResolverUnavailableException(ResolverFailure.STATUS,
                                "Authgear's resolver answered " + response.statusCode());
                    }
                    return ResolverAnswer.read(response.headers()::firstValue);
                });
    }

    private HttpRequest request(RemoteCredential credential, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(settings.url())
                .GET()
                // Plain HTTP (loopback, or a sidecar) is HTTP/1.1: no h2c upgrade headers that Go's
                // server would ignore anyway. Over TLS the client may negotiate HTTP/2.
                .version(settings.url().getScheme().equalsIgnoreCase("http") ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                .timeout(timeout)
                .header(credential.headerName(), credential.headerValue());
        if (settings.needsHostOverride()) {
            b.header("Host", settings.authgearHost())
                    .header("X-Forwarded-Host", settings.authgearHost())
                    .header("X-Forwarded-Proto", authgearProto);
        }
        return b.build();
    }

    /**
     * Whether this JVM lets a request set {@code Host}: the JDK refuses unless the system property
     * {@code jdk.httpclient.allowRestrictedHeaders} names it before its HTTP classes load.
     */
    public static boolean canSetHost() {
        try {
            HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header("Host", "example.com");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

package io.authgate.core.jwks;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.authgate.core.JwksFailure;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.FetchableUris;

import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Fetches a JWKS with the JDK's non-blocking HTTP client: from a configured {@code jwks_uri}, or from
 * the one the issuer's discovery document names (remembered until a fetch from it fails). Redirects are
 * not followed: a JWKS that moves is a configuration to change, not a hop to trust.
 */
public final class HttpJwksFetcher implements JwksFetcher {
    /** A JWKS of a few keys is a few KiB; a much larger answer is not one. */
    static final int MAX_BODY_BYTES = 512 * 1024;

    private final HttpClient client;
    private final String issuer;
    private final URI configuredJwksUri;
    private final URI discoveryUri;
    private final Duration timeout;
    private volatile URI discoveredJwksUri;

    /**
     * @param configuredJwksUri the configured {@code jwks_uri}, or {@code null} to discover it
     */
    public HttpJwksFetcher(HttpClient client, String issuer, URI configuredJwksUri, URI discoveryUri, Duration timeout) {
        this.client = client;
        this.issuer = issuer;
        this.configuredJwksUri = configuredJwksUri;
        this.discoveryUri = discoveryUri;
        this.timeout = timeout;
    }

    /**
     * The configured {@code jwks_uri}, else the discovery document: the same for every fetch, so a
     * failure, the recovery and the metrics name one source (a failure's reason names the URL that failed).
     */
    @Override
    public URI source() {
        return configuredJwksUri != null ? configuredJwksUri : discoveryUri;
    }

    @Override
    public CompletableFuture<FetchedKeys> fetch() {
        CompletableFuture<URI> jwksUri;
        if (configuredJwksUri != null) {
            jwksUri = CompletableFuture.completedFuture(configuredJwksUri);
        } else if (discoveredJwksUri != null) {
            jwksUri = CompletableFuture.completedFuture(discoveredJwksUri);
        } else {
            jwksUri = get(discoveryUri).thenApply(this::jwksUriFromDiscovery);
        }
        return jwksUri.thenCompose(uri -> get(uri).thenApply(this::toKeys).whenComplete((keys, error) -> {
            if (error != null && configuredJwksUri == null) {
                discoveredJwksUri = null; // discover again next time: the document may have moved the keys
            }
        }));
    }

    private CompletableFuture<HttpResponse<byte[]>> get(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new JwksFetchException(JwksFailure.HTTP_STATUS, uri + " answered HTTP " + response.statusCode());
            }
            if (response.body().length > MAX_BODY_BYTES) {
                throw new JwksFetchException(JwksFailure.TOO_LARGE, uri + " answered more than " + MAX_BODY_BYTES + " bytes");
            }
            return response;
        });
    }

    private URI jwksUriFromDiscovery(HttpResponse<byte[]> response) {
        try {
            Map<String, Object> doc = JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
            String docIssuer = JSONObjectUtils.getString(doc, "issuer");
            if (docIssuer == null) {
                throw new JwksFetchException(JwksFailure.BAD_DISCOVERY, "discovery document at " + response.uri() + " has no issuer (OpenID Connect Discovery requires it)");
            }
            if (!docIssuer.equals(issuer)) {
                throw new JwksFetchException(JwksFailure.BAD_DISCOVERY, "discovery document at " + response.uri() + " names issuer " + docIssuer
                        + ", expected " + issuer);
            }
            String jwks = JSONObjectUtils.getString(doc, "jwks_uri");
            if (jwks == null) {
                throw new JwksFetchException(JwksFailure.BAD_DISCOVERY, "discovery document at " + response.uri() + " has no jwks_uri");
            }
            URI uri = FetchableUris.require(URI.create(jwks), "jwks_uri (discovered)");
            discoveredJwksUri = uri;
            return uri;
        } catch (ParseException | IllegalArgumentException e) {
            throw new JwksFetchException(JwksFailure.BAD_JSON, "discovery document at " + response.uri() + " is not valid: " + e.getMessage());
        } catch (ConfigException e) {
            throw new JwksFetchException(JwksFailure.BAD_DISCOVERY, "discovery document at " + response.uri() + ": " + e.getMessage());
        }
    }

    private FetchedKeys toKeys(HttpResponse<byte[]> response) {
        try {
            KeySet keys = KeySet.parse(new String(response.body(), StandardCharsets.UTF_8));
            Duration maxAge = CacheControl.maxAge(response.headers().firstValue("cache-control").orElse(null));
            return new FetchedKeys(keys, maxAge);
        } catch (ParseException e) {
            throw new JwksFetchException(JwksFailure.BAD_JSON, "JWKS at " + response.uri() + " is not valid: " + e.getMessage());
        }
    }

    /** Why a fetch failed, in one line fit for a log. */
    public static String describe(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        String message = e.getMessage();
        return e instanceof JwksFetchException ? message
                : e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /**
     * Which kind of failure {@code error} is: this fetcher's own verdicts carry theirs; the JDK
     * client's exceptions are told apart by type (DNS: {@link UnresolvedAddressException} or
     * {@link UnknownHostException} under its {@code ConnectException}; timeouts:
     * {@link HttpTimeoutException}, which {@code HttpConnectTimeoutException} extends).
     */
    public static JwksFailure failureOf(Throwable error) {
        JwksFailure io = null;
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof JwksFetchException j) {
                return j.failure;
            }
            if (e instanceof UnresolvedAddressException || e instanceof UnknownHostException) {
                return JwksFailure.DNS;
            }
            if (e instanceof HttpTimeoutException) {
                return JwksFailure.TIMEOUT;
            }
            if (e instanceof IOException && io == null) {
                io = JwksFailure.CONNECT; // unless a cause says more (DNS comes wrapped in a ConnectException)
            }
        }
        return io != null ? io : JwksFailure.OTHER;
    }

    /** A fetch that reached a server but got no usable answer. */
    static final class JwksFetchException extends RuntimeException {
        private final JwksFailure failure;

        JwksFetchException(JwksFailure failure, String message) {
            super(message, null, false, false);
            this.failure = failure;
        }
    }
}

package io.authgate.core.jwks;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Fetches a JWKS without blocking the caller. */
public interface JwksFetcher {
    CompletableFuture<FetchedKeys> fetch();

    /** Where the keys come from, for logs and metrics. */
    URI source();
}

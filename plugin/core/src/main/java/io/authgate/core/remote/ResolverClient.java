package io.authgate.core.remote;

import java.util.concurrent.CompletableFuture;

/** One call to Authgear's resolver. Fails with {@link ResolverUnavailableException} when it cannot answer. */
public interface ResolverClient {
    CompletableFuture<RemoteSession> call(RemoteCredential credential);
}

package io.authgate.core.remote;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One call to Authgear's resolver. Fails with {@link ResolverUnavailableException} when it cannot answer. */
public interface ResolverClient {
    /** @param timeout the longest the call may take, connecting included: what is left of the credential's wait */
    CompletableFuture<RemoteSession> call(RemoteCredential credential, Duration timeout);
}

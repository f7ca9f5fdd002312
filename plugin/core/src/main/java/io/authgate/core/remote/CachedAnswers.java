package io.authgate.core.remote;

import io.authgate.core.headers.SessionClaims;
import io.authgate.core.memory.HeapSize;
import io.authgate.core.memory.SharedValues;

/**
 * What a cached resolver answer holds, and what it weighs: the pre-encoded headers and the session's
 * claims for route policies, with the role and amr sets that many sessions share held once.
 */
final class CachedAnswers {
    /** Per entry, besides the answer: Caffeine's share and the key (a digest object and its 32 bytes). */
    static final long ENTRY_OVERHEAD = HeapSize.CAFFEINE_ENTRY + HeapSize.object(1, Integer.BYTES) + HeapSize.bytes(new byte[32]);
    private static final long REMOTE_SESSION = HeapSize.object(3, 0);

    private final SharedValues shared;

    CachedAnswers(SharedValues shared) {
        this.shared = shared;
    }

    RemoteSession compact(RemoteSession answer) {
        SessionClaims c = answer.claims();
        return c == null ? answer : new RemoteSession(answer.kind(), answer.headers(), c.sharing(shared));
    }

    int weigh(CredentialDigest key, RemoteSession answer) {
        if (answer == RemoteSession.NONE) {
            return (int) ENTRY_OVERHEAD;
        }
        long bytes = ENTRY_OVERHEAD + REMOTE_SESSION + answer.headers().heapSize();
        SessionClaims c = answer.claims();
        if (c != null) {
            bytes += c.heapSize(shared, false);
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }
}

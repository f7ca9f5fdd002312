package io.authgate.core.jwt;

import io.authgate.core.headers.SessionClaims;
import io.authgate.core.memory.HeapSize;
import io.authgate.core.memory.SharedValues;

import java.util.List;

/**
 * What a verified-token cache entry holds, and what it weighs. A parsed token holds its own copy of
 * every claim; an entry holds what a hit needs, and the values that many tokens of one issuer share
 * (issuer, audience, key id, client id, scopes, roles, amr, {@code typ}) once for all of them.
 */
final class CachedTokens {
    /** Per entry, besides what it holds: Caffeine's share and the key object (the token, the shared claim headers, hash). */
    static final long ENTRY_OVERHEAD = HeapSize.CAFFEINE_ENTRY + HeapSize.object(2, Integer.BYTES);
    private static final long ACCESS_TOKEN = HeapSize.object(10, 3 * Long.BYTES);
    /**
     * What a verified token adds, built once at entry so a hit builds nothing: the token object, its
     * session (a {@code Resolution.Session}) and that session's {@code Allow} (headers, expiry).
     */
    private static final long RENDERED = HeapSize.object(2, 0) + HeapSize.object(3, 0) + HeapSize.object(1, Long.BYTES);

    private final SharedValues shared;

    CachedTokens(SharedValues shared) {
        this.shared = shared;
    }

    /** The same token with the values it shares with other tokens replaced by their shared instances. */
    AccessToken compact(AccessToken t) {
        SessionClaims session = t.session().sharing(shared);
        return new AccessToken(shared.share(t.algorithm()), shared.share(t.type()), shared.share(t.keyId()),
                shared.share(t.issuer()), shared.share(t.audience()), t.subject(), t.expiresAt(), t.issuedAt(), t.notBefore(),
                shared.share(t.clientId()), shared.share(t.scopes()), session);
    }

    /** The heap an entry takes: its overhead, the token it is found by, and what {@link #compact} kept of its own. */
    int weigh(String token, VerifiedToken verified) {
        AccessToken t = verified.token();
        SessionClaims s = t.session();
        long bytes = ENTRY_OVERHEAD + HeapSize.string(token) + ACCESS_TOKEN + RENDERED
                + own(t.algorithm()) + own(t.type()) + own(t.keyId()) + own(t.issuer()) + own(t.clientId())
                + ownList(t.audience()) + ownList(t.scopes()) + HeapSize.string(t.subject())
                + s.heapSize(shared, s.userId() == t.subject()) + verified.headers().heapSize();
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private long own(String value) {
        return shared.holds(value) ? 0 : HeapSize.string(value);
    }

    private long ownList(List<String> list) {
        return shared.holds(list) ? 0 : HeapSize.stringList(list);
    }
}

package io.authgate.core.revocation;

/**
 * What the watermarks say of a verified token's user, asked on every JWT request after verification
 * (the cached path too) and of every cached answer of Authgear's resolver. Must cost next to nothing
 * when nothing is revoked. Thread-safe.
 */
public interface Revocations {
    /** Nothing is ever revoked: a runtime without watermarks. */
    Revocations NONE = new Revocations() {
        @Override
        public boolean revokes(String userId, long issuedAt, long nowSeconds) {
            return false;
        }

        @Override
        public boolean blocks(String userId, long nowSeconds) {
            return false;
        }
    };

    /**
     * @param issuedAt the token's {@code iat}, unix seconds; {@code AccessToken.ABSENT} (the lowest
     *                 long) when it has none, which any watermark revokes
     * @param nowSeconds the caller's clock, unix seconds (it has read it already: one read per request)
     * @return true when a token of this user issued then gives no session
     */
    boolean revokes(String userId, long issuedAt, long nowSeconds);

    /** True when no credential of this user gives a session (disabled, deleted, anonymized). */
    boolean blocks(String userId, long nowSeconds);
}

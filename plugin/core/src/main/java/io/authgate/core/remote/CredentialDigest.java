package io.authgate.core.remote;

import java.util.Arrays;

/** A SHA-256 digest of a credential, as a cache key: compared whole, hashed from its first bytes. */
final class CredentialDigest implements Comparable<CredentialDigest> {
    private final byte[] bytes;
    private final int hash;

    CredentialDigest(byte[] bytes) {
        this.bytes = bytes;
        // A digest is uniformly spread: its first four bytes are as good a hash as any.
        this.hash = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CredentialDigest other && other.hash == hash && Arrays.equals(other.bytes, bytes);
    }

    /** Lets the cache's hash map order colliding keys (a tree bin), so crafted hash collisions stay cheap. */
    @Override
    public int compareTo(CredentialDigest other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return "CredentialDigest[" + Integer.toHexString(hash) + "…]";
    }
}

package io.authgate.core;

import java.util.Locale;

/**
 * Why the revocation feed (Redis) failed, as a class an operator acts on: start Redis or open the
 * path to it, fix the password, look at what answers on that port. Decided from where the failure
 * happened, never by reading a message.
 */
public enum RevocationFeedFailure {
    /** No connection: refused, reset, closed mid-reply, a host name that does not resolve, a TLS handshake that failed. */
    CONNECT,
    /** No answer within the connect or command timeout. */
    TIMEOUT,
    /** Redis refused the credentials (or asked for some and was given none). */
    AUTH,
    /** A reply larger than {@code redis.max_reply_bytes}: a broken or hostile server, or an entry nobody here wrote. */
    TOO_LARGE,
    /** Something that is not RESP2 (not Redis on that port), or a reply of an unexpected shape. */
    PROTOCOL,
    /** Redis answered a command with an error (a stream key of another type, an out-of-memory refusal). */
    REFUSED;

    /** The name in metrics and JSON logs: {@code too_large}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

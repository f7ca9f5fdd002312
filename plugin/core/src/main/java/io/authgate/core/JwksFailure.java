package io.authgate.core;

import java.util.Locale;

/**
 * Why a JWKS fetch failed, as a class an operator acts on: fix DNS, open the network path, look at
 * the issuer's health, or at what it serves. Decided from the failure's type where it happens,
 * never by reading a message.
 */
public enum JwksFailure {
    /** The host name does not resolve. */
    DNS,
    /** No connection: refused, reset, closed, unreachable, a TLS handshake that failed. */
    CONNECT,
    /** No answer within {@code jwks.fetch_timeout_ms} (connecting or waiting for the response). */
    TIMEOUT,
    /** An answer other than 200 (from the discovery document or the JWKS). */
    HTTP_STATUS,
    /** An answer larger than a JWKS or discovery document can be. */
    TOO_LARGE,
    /** An answer that is not the JSON it should be (no keys array, unparseable). */
    BAD_JSON,
    /** A discovery document for another issuer, or without {@code jwks_uri}. */
    BAD_DISCOVERY,
    /** Anything else (a fetcher's own failure). */
    OTHER;

    /** The name in metrics and JSON logs: {@code http_status}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

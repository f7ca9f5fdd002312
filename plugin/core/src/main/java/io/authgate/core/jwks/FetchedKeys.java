package io.authgate.core.jwks;

import java.time.Duration;

/**
 * One successful JWKS fetch.
 *
 * @param maxAge the response's {@code Cache-Control} lifetime, {@code null} when it gave none
 */
public record FetchedKeys(KeySet keys, Duration maxAge) {
}

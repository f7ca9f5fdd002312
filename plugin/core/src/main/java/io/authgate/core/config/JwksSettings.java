package io.authgate.core.config;

import java.time.Duration;

/**
 * How a JWKS is fetched and cached. Immutable; the defaults suit Authgear, whose JWKS changes only
 * when an admin rotates keys.
 *
 * @param defaultTtl             TTL when the response has no usable {@code Cache-Control: max-age}
 * @param minTtl                 lower bound on any TTL (protects Authgear from a {@code max-age=0})
 * @param maxTtl                 upper bound on any TTL (a key removal shows up within this time)
 * @param staleIfError           how long past expiry the last good key set may serve while fetches fail
 * @param unknownKidMinInterval  a token with an unknown {@code kid} triggers a refresh at most this often
 * @param fetchTimeout           timeout of one HTTP fetch (discovery or JWKS)
 * @param waitTimeout            the longest a request waits for keys that are being fetched
 */
public record JwksSettings(
        Duration defaultTtl,
        Duration minTtl,
        Duration maxTtl,
        Duration staleIfError,
        Duration unknownKidMinInterval,
        Duration fetchTimeout,
        Duration waitTimeout) {

    public static final JwksSettings DEFAULTS = new JwksSettings(
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            Duration.ofDays(1),
            Duration.ofHours(1),
            Duration.ofSeconds(10),
            Duration.ofSeconds(2),
            Duration.ofSeconds(1));
}

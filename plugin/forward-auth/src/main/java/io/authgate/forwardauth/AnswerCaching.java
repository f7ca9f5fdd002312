package io.authgate.forwardauth;

import io.authgate.core.config.ConfigSection;
import io.authgate.core.config.RevocationSettings;
import io.authgate.core.Decision;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * How long a gateway cache (nginx's {@code proxy_cache} in {@code nginx-conf/authgate.conf}) may
 * reuse an allow answer: the {@code Cache-Control} the adapter sends with it. Never longer than the
 * core would give the same answer ({@link Decision.Allow#reusableUntilMillis()}: the token's
 * {@code exp}, the remote cache's TTL; nothing on {@code live} routes), than {@code maxAgeSeconds},
 * or, for "no session" (no headers), than {@link #NEGATIVE_MAX_AGE_SECONDS}. Denials and errors are never
 * cacheable ({@code no-store}, see {@link Responses#send}).
 *
 * <p>One second is held back from what is left: nginx computes an entry's end as its own clock's
 * whole second plus {@code max-age} and serves it through that whole second (read in nginx's
 * {@code ngx_http_upstream_process_cache_control} and {@code ngx_http_file_cache_read}, 1.18 to current:
 * {@code valid_sec = ngx_time() + n}, stale only once {@code valid_sec < now}), up to a second past
 * {@code max-age}. So a token with {@code exp = E} is never answered from the cache at or after E.
 *
 * @param maxAgeSeconds the ceiling, {@code gateway_cache_max_age_seconds}; 0 makes every answer {@code no-store}
 */
record AnswerCaching(int maxAgeSeconds) {
    static final String KEY = "gateway_cache_max_age_seconds";
    static final Set<String> KEYS = Set.of(KEY);
    static final int DEFAULT_MAX_AGE_SECONDS = 5;
    /** Past this a revoked session (logout, disabled user) would stay usable too long behind a cache. */
    static final int MAX_MAX_AGE_SECONDS = 300;
    /**
     * "No session" is reused at most this long: an answer for a token that became valid a moment
     * after its first use (a clock a little behind Authgear's, a key not yet fetched) must not stick.
     */
    static final int NEGATIVE_MAX_AGE_SECONDS = 1;
    static final String NO_STORE = "no-store";
    private static final byte[] NO_STORE_LINE = line(NO_STORE);

    /**
     * The default while Authgear's events can revoke a session ({@code revocation} or
     * {@code webhook_listen} configured): an event then shows through nginx's cache within 2 s (the
     * adapter refuses at once; nginx serves an entry through its whole last second), not within 6.
     */
    static final int REVOCATION_DEFAULT_MAX_AGE_SECONDS = 1;

    /** Reads {@value #KEY} from the adapter's configuration; an explicit value always wins. */
    static AnswerCaching parse(ConfigSection root) {
        boolean revocable = root.has(RevocationSettings.KEY) || root.has(AdapterConfig.WEBHOOK_LISTEN);
        int fallback = revocable ? REVOCATION_DEFAULT_MAX_AGE_SECONDS : DEFAULT_MAX_AGE_SECONDS;
        return new AnswerCaching(root.integer(KEY, fallback, 0, MAX_MAX_AGE_SECONDS));
    }

    static AnswerCaching defaults() {
        return new AnswerCaching(DEFAULT_MAX_AGE_SECONDS);
    }

    /** The {@code max-age} for this answer at {@code nowMillis}; 0 means {@code no-store}. */
    int maxAgeSeconds(Decision.Allow allow, long nowMillis) {
        // "No session" is an answer without headers. Authgear's Session-Valid: false has headers and
        // is bounded by the remote negative TTL it carries. (isEmpty, not get: no String per request.)
        int cap = allow.headers().isEmpty() ? Math.min(maxAgeSeconds, NEGATIVE_MAX_AGE_SECONDS) : maxAgeSeconds;
        long until = allow.reusableUntilMillis();
        if (until == Decision.Allow.UNBOUNDED) {
            return cap;
        }
        long left = Math.floorDiv(until - nowMillis, 1000) - 1;
        return (int) Math.max(0, Math.min(cap, left));
    }

    /** The header value for {@link #maxAgeSeconds(Decision.Allow, long)}. */
    static String value(int maxAgeSeconds) {
        return maxAgeSeconds <= 0 ? NO_STORE : "max-age=" + maxAgeSeconds;
    }

    /**
     * The field lines, {@code cache-control: ...\r\n}, for every max-age up to the ceiling, built once:
     * the pre-encoded allow answer appends one without building a string per request.
     */
    byte[][] fieldLines() {
        byte[][] lines = new byte[maxAgeSeconds + 1][];
        lines[0] = NO_STORE_LINE;
        for (int i = 1; i <= maxAgeSeconds; i++) {
            lines[i] = line(value(i));
        }
        return lines;
    }

    private static byte[] line(String value) {
        return ("cache-control: " + value + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}

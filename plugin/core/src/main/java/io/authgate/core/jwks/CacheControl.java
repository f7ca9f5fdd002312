package io.authgate.core.jwks;

import java.time.Duration;
import java.util.Locale;

/** The part of {@code Cache-Control} that sets a JWKS lifetime. */
final class CacheControl {
    private CacheControl() {
    }

    /**
     * @return {@code max-age} as a duration; zero for {@code no-store}/{@code no-cache} (the caller's
     *         lower bound then applies); {@code null} when the header says nothing usable
     */
    static Duration maxAge(String header) {
        if (header == null) {
            return null;
        }
        Duration maxAge = null;
        for (String directive : header.split(",")) {
            String d = directive.strip().toLowerCase(Locale.ROOT);
            if (d.equals("no-store") || d.equals("no-cache")) {
                return Duration.ZERO;
            }
            if (d.startsWith("max-age=")) {
                String value = d.substring("max-age=".length()).replace("\"", "");
                try {
                    maxAge = Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
                } catch (NumberFormatException e) {
                    // RFC 9111 §1.2.2: delta-seconds too large to represent count as 2^31; the upper
                    // bound then applies. §4.2.1: any other invalid max-age makes the response stale.
                    maxAge = !value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')
                            ? Duration.ofSeconds(1L << 31) : Duration.ZERO;
                }
            }
        }
        return maxAge;
    }
}

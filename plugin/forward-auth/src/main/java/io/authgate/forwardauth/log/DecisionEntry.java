package io.authgate.forwardauth.log;

import java.time.Instant;
import java.util.Optional;

/**
 * One decision as the decision log writes it. Only these values, never a token, a cookie or any
 * other header's value: the method, host and path of the request the gateway asked about (the path
 * without its query, which may carry secrets), how it was answered, why, under which rule, for
 * which user, and how long it took.
 *
 * @param reason why it was denied or had no session (a rejection reason, {@code ambiguous_path}, ...)
 * @param rule   {@code rules[N]}, or {@code default} for the top level; empty when none was chosen
 * @param userId the session's user when there is one
 */
public record DecisionEntry(Instant time, Optional<String> method, Optional<String> host, Optional<String> path, int status,
                            String outcome, Optional<String> reason, Optional<String> rule, Optional<String> userId,
                            long latencyNanos) {

    /** The JSON line: absent values are left out. */
    String json() {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"time\":\"").append(time).append("\",\"event\":\"decision\"");
        field(out, "method", method);
        field(out, "host", host);
        field(out, "path", path);
        out.append(",\"status\":").append(status);
        field(out, "outcome", Optional.of(outcome));
        field(out, "reason", reason);
        field(out, "rule", rule);
        field(out, "user_id", userId);
        out.append(",\"latency_ms\":").append(latencyNanos / 1000 / 1000.0);
        return out.append('}').toString();
    }

    private static void field(StringBuilder out, String name, Optional<String> value) {
        if (value.isPresent()) {
            out.append(",\"").append(name).append("\":");
            JsonText.appendString(out, value.get());
        }
    }
}

package io.authgate.core;

import io.authgate.core.text.JwtRedaction;
import io.authgate.core.text.StrictUtf8;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One decision as the fronts' decision logs write it (the adapter's {@code decision_log}, the
 * runner's {@code -Dauthgate.decision_log=true}). Only these values, never a token, a cookie or any
 * other header's value: the method, host and path of the request the gateway asked about (the path
 * without its query, which may carry secrets, and with any JWT in it written as {@code [jwt]}: a
 * reset or magic link can carry one), how it was answered, why, under which rule, for which user,
 * and how long it took.
 *
 * @param reason why it was denied or had no session (a rejection reason, {@code ambiguous_path}, ...)
 * @param rule   {@code rules[N]}, or {@code default} for the top level; empty when none was chosen
 * @param userId the session's user when there is one
 */
public record DecisionRecord(Instant time, Optional<String> method, Optional<String> host, Optional<String> path, int status,
                            String outcome, Optional<String> reason, Optional<String> rule, Optional<String> userId,
                            long latencyNanos) {

    /** The JSON line: absent values are left out. */
    public String json() {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"time\":\"").append(time).append("\",\"event\":\"decision\"");
        field(out, "method", method);
        field(out, "host", host);
        field(out, "path", path.map(JwtRedaction::of));
        out.append(",\"status\":").append(status);
        field(out, "outcome", Optional.of(outcome));
        field(out, "reason", reason);
        field(out, "rule", rule);
        field(out, "user_id", userId);
        out.append(",\"latency_ms\":").append(latencyNanos / 1000 / 1000.0);
        return out.append('}').toString();
    }

    /** A token's rejection as the decision logs name it: {@code expired}, {@code bad_signature}, ... built once. */
    private static final Map<TokenRejection, Optional<String>> TOKEN_REASONS = tokenReasons();
    private static final Optional<String> KEYS_UNAVAILABLE = Optional.of("keys_unavailable");
    private static final Optional<String> RESOLVER_UNAVAILABLE = Optional.of("resolver_unavailable");
    private static final Optional<String> INTERNAL_ERROR = Optional.of("internal_error");

    /**
     * The reason of the core's own denials, named as their outcomes: {@code keys_unavailable},
     * {@code resolver_unavailable}, {@code internal_error}; empty for any other decision.
     */
    public static Optional<String> coreReason(Decision decision) {
        if (decision == Denials.KEYS_UNAVAILABLE) {
            return KEYS_UNAVAILABLE;
        }
        if (decision == Denials.RESOLVER_UNAVAILABLE) {
            return RESOLVER_UNAVAILABLE;
        }
        if (decision == Denials.INTERNAL_ERROR) {
            return INTERNAL_ERROR;
        }
        return Optional.empty();
    }

    /** The reason a refused token gives, as the decision logs write it (the metrics' label too). */
    public static Optional<String> tokenReason(TokenRejection rejection) {
        return TOKEN_REASONS.get(rejection);
    }

    private static Map<TokenRejection, Optional<String>> tokenReasons() {
        Map<TokenRejection, Optional<String>> all = new EnumMap<>(TokenRejection.class);
        for (TokenRejection r : TokenRejection.values()) {
            all.put(r, Optional.of(r.name().toLowerCase(Locale.ROOT)));
        }
        return all;
    }

    /**
     * A header's value as text: HTTP gives bytes, which Netty and the runner hand over one char per
     * byte; read them as the UTF-8 they usually are, else keep them as they came.
     */
    public static String headerText(String oneCharPerByte) {
        return StrictUtf8.decodeOctets(oneCharPerByte).orElse(oneCharPerByte);
    }

    private static void field(StringBuilder out, String name, Optional<String> value) {
        if (value.isPresent()) {
            out.append(",\"").append(name).append("\":");
            JsonText.appendString(out, value.get());
        }
    }
}

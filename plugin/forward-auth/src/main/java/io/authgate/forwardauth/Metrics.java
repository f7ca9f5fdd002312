package io.authgate.forwardauth;

import io.authgate.core.AuthgateEvents;
import io.authgate.core.jwt.TokenRejection;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and a latency histogram in Prometheus text format. Hand-written: a dozen series need no
 * client library, and this keeps the adapter's dependencies to Netty and the core.
 */
public final class Metrics implements AuthgateEvents {

    /** How a decision request ended. */
    public enum Outcome {
        SESSION("session"), NO_SESSION("no_session"), KEYS_UNAVAILABLE("keys_unavailable"),
        DENIED("denied"), BAD_REQUEST("bad_request"), NOT_FOUND("not_found"), INTERNAL_ERROR("internal_error");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    /** Upper bounds in seconds: a cache hit is tens of microseconds, a cold verify a fraction of a millisecond. */
    private static final double[] BUCKETS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 2.5};
    private static final String[] BUCKET_LABELS = {"0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.05", "0.25", "1", "2.5"};

    private final Map<Outcome, LongAdder> decisions = new EnumMap<>(Outcome.class);
    private final Map<TokenRejection, LongAdder> rejections = new EnumMap<>(TokenRejection.class);
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder cacheMisses = new LongAdder();
    private final LongAdder jwksFetches = new LongAdder();
    private final LongAdder jwksFailures = new LongAdder();
    private final LongAdder[] latencyBuckets = new LongAdder[BUCKETS.length];
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencySumNanos = new LongAdder();

    public Metrics() {
        for (Outcome o : Outcome.values()) {
            decisions.put(o, new LongAdder());
        }
        for (TokenRejection r : TokenRejection.values()) {
            rejections.put(r, new LongAdder());
        }
        for (int i = 0; i < latencyBuckets.length; i++) {
            latencyBuckets[i] = new LongAdder();
        }
    }

    public void decided(Outcome outcome, long nanos) {
        decisions.get(outcome).increment();
        latencyCount.increment();
        latencySumNanos.add(nanos);
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                latencyBuckets[i].increment();
                return;
            }
        }
    }

    public long decisions(Outcome outcome) {
        return decisions.get(outcome).sum();
    }

    @Override
    public void tokenCacheHit() {
        cacheHits.increment();
    }

    @Override
    public void tokenCacheMiss() {
        cacheMisses.increment();
    }

    @Override
    public void tokenRejected(TokenRejection reason) {
        rejections.get(reason).increment();
    }

    @Override
    public void jwksFetched(URI source, int keys, int skipped, Duration ttl) {
        jwksFetches.increment();
    }

    @Override
    public void jwksFetchFailed(URI source, String reason) {
        jwksFetches.increment();
        jwksFailures.increment();
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public String render() {
        StringBuilder out = new StringBuilder(2048);
        out.append("# HELP authgate_decisions_total Decision requests answered, by outcome.\n");
        out.append("# TYPE authgate_decisions_total counter\n");
        decisions.forEach((o, n) -> out.append("authgate_decisions_total{outcome=\"").append(o.label).append("\"} ").append(n.sum()).append('\n'));
        out.append("# HELP authgate_token_rejections_total Bearer tokens that did not verify, by reason.\n");
        out.append("# TYPE authgate_token_rejections_total counter\n");
        rejections.forEach((r, n) -> out.append("authgate_token_rejections_total{reason=\"").append(r.name().toLowerCase()).append("\"} ").append(n.sum()).append('\n'));
        counter(out, "authgate_token_cache_hits_total", "Verified-token cache hits.", cacheHits.sum());
        counter(out, "authgate_token_cache_misses_total", "Verified-token cache misses (full verification).", cacheMisses.sum());
        counter(out, "authgate_jwks_fetches_total", "JWKS fetches attempted (discovery included).", jwksFetches.sum());
        counter(out, "authgate_jwks_fetch_failures_total", "JWKS fetches that failed.", jwksFailures.sum());
        out.append("# HELP authgate_decision_duration_seconds Time from request to decision.\n");
        out.append("# TYPE authgate_decision_duration_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < BUCKETS.length; i++) {
            cumulative += latencyBuckets[i].sum();
            out.append("authgate_decision_duration_seconds_bucket{le=\"").append(BUCKET_LABELS[i]).append("\"} ").append(cumulative).append('\n');
        }
        long count = latencyCount.sum();
        out.append("authgate_decision_duration_seconds_bucket{le=\"+Inf\"} ").append(count).append('\n');
        out.append("authgate_decision_duration_seconds_sum ").append(latencySumNanos.sum() / 1e9).append('\n');
        out.append("authgate_decision_duration_seconds_count ").append(count).append('\n');
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }
}

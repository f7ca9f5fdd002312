package io.authgate.forwardauth;

import io.authgate.core.ResolverFailure;
import io.authgate.core.RemoteSessionKind;
import io.authgate.core.AuthgateEvents;
import io.authgate.core.JwksFailure;
import io.authgate.core.TokenCacheGauges;
import io.authgate.core.ResolverCacheGauges;
import io.authgate.core.TokenRejection;
import io.authgate.core.WebhookAnswer;
import io.authgate.core.WebhookReceiver;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Counters and a latency histogram in Prometheus text format. Hand-written: a dozen series need no
 * client library, and this keeps the adapter's dependencies to Netty and the core.
 */
public final class Metrics implements AuthgateEvents {

    /** How a decision request ended. */
    public enum Outcome {
        SESSION("session"), NO_SESSION("no_session"), KEYS_UNAVAILABLE("keys_unavailable"),
        /** Authgear's resolver did not answer and {@code resolver.on_error} is {@code deny}: 503. */
        RESOLVER_UNAVAILABLE("resolver_unavailable"),
        DENIED("denied"), BAD_REQUEST("bad_request"), NOT_FOUND("not_found"), INTERNAL_ERROR("internal_error");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    /** Why a connection's socket stopped being read for a while (back-pressure). */
    public enum Pause {
        MAX_PIPELINED_REQUESTS("max_pipelined_requests"), UNWRITABLE("unwritable");

        final String label;

        Pause(String label) {
            this.label = label;
        }
    }

    /** Why the adapter closed a connection it had admitted. */
    public enum Closure {
        REQUEST_HEAD_TIMEOUT("request_head_timeout"),
        /** The webhook port: a whole request not in within its deadline ({@link WholeRequestDeadline}). */
        WEBHOOK_REQUEST_TIMEOUT("webhook_request_timeout"),
        /** The webhook port: a request sent before the previous one was answered ({@link WholeRequestDeadline}). */
        WEBHOOK_PIPELINED("webhook_pipelined"),
        /** The management port: a whole request not in within its deadline ({@link WholeRequestDeadline}). */
        ADMIN_REQUEST_TIMEOUT("admin_request_timeout"),
        /** The management port: a request sent before the previous one was answered ({@link WholeRequestDeadline}). */
        ADMIN_PIPELINED("admin_pipelined");

        final String label;

        Closure(String label) {
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
    private final Histogram decisionLatency = new Histogram();
    private final Map<RemoteSessionKind, LongAdder> resolverAnswers = new EnumMap<>(RemoteSessionKind.class);
    private final Map<ResolverFailure, LongAdder> resolverErrors = new EnumMap<>(ResolverFailure.class);
    private final LongAdder resolverCacheHits = new LongAdder();
    private final LongAdder resolverCoalesced = new LongAdder();
    private final LongAdder resolverQueued = new LongAdder();
    /** The caches whose size the gauges show; set once at start ({@link #watch}). */
    private volatile List<ProjectCaches> projects = List.of();
    private final Histogram resolverLatency = new Histogram();
    private final Map<ConnectionLimits.Refusal, LongAdder> refusals = new EnumMap<>(ConnectionLimits.Refusal.class);
    private final Map<Closure, LongAdder> closures = new EnumMap<>(Closure.class);
    private final Map<Pause, LongAdder> pauses = new EnumMap<>(Pause.class);
    private final LongAdder acceptErrors = new LongAdder();
    private final Map<WebhookAnswer, LongAdder> webhookEvents = new EnumMap<>(WebhookAnswer.class);
    /** The webhook receiver's watermark table, once it runs ({@link #watchWatermarks}); absent: no gauge. */
    private volatile Optional<WebhookReceiver> watermarks = Optional.empty();
    /** Whether the revocation feed reaches every node ({@link #watchRevocationFeed}); up until told. */
    private volatile BooleanSupplier revocationFeedUp = () -> true;
    /** Per JWKS source: when keys were last fetched (epoch millis), 0 while they never were. */
    private final Map<URI, Long> jwksLastSuccess = new ConcurrentHashMap<>();
    /** The log's dropped lines, once the adapter reports them ({@link #logDrops}). */
    private volatile LongSupplier droppedLogLines = () -> 0;
    /** The decision port's open connections, once the server reports them ({@link #openConnections}). */
    private volatile IntSupplier openConnections = () -> 0;
    /** Decisions read and not yet answered, once the server reports them ({@link #decisionsInFlight}). */
    private volatile IntSupplier decisionsInFlight = () -> 0;

    /** A Prometheus histogram over {@link #BUCKETS}. */
    private static final class Histogram {
        private final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        private final LongAdder count = new LongAdder();
        private final LongAdder sumNanos = new LongAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(long nanos) {
            count.increment();
            sumNanos.add(nanos);
            double seconds = nanos / 1e9;
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    buckets[i].increment();
                    return;
                }
            }
        }

        void render(StringBuilder out, String name, String help) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(" histogram\n");
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += buckets[i].sum();
                out.append(name).append("_bucket{le=\"").append(BUCKET_LABELS[i]).append("\"} ").append(cumulative).append('\n');
            }
            long n = count.sum();
            out.append(name).append("_bucket{le=\"+Inf\"} ").append(n).append('\n');
            out.append(name).append("_sum ").append(sumNanos.sum() / 1e9).append('\n');
            out.append(name).append("_count ").append(n).append('\n');
        }
    }

    public Metrics() {
        for (Outcome o : Outcome.values()) {
            decisions.put(o, new LongAdder());
        }
        for (TokenRejection r : TokenRejection.values()) {
            rejections.put(r, new LongAdder());
        }
        for (RemoteSessionKind k : RemoteSessionKind.values()) {
            resolverAnswers.put(k, new LongAdder());
        }
        for (ResolverFailure c : ResolverFailure.values()) {
            resolverErrors.put(c, new LongAdder());
        }
        for (ConnectionLimits.Refusal r : ConnectionLimits.Refusal.values()) {
            refusals.put(r, new LongAdder());
        }
        for (Closure c : Closure.values()) {
            closures.put(c, new LongAdder());
        }
        for (Pause p : Pause.values()) {
            pauses.put(p, new LongAdder());
        }
        for (WebhookAnswer a : WebhookAnswer.values()) {
            webhookEvents.put(a, new LongAdder());
        }
    }

    @Override
    public void webhookAnswered(WebhookAnswer answer) {
        webhookEvents.get(answer).increment();
    }

    long webhookEvents(WebhookAnswer answer) {
        return webhookEvents.get(answer).sum();
    }

    /** The feed gauge's source: the runtime's Redis streams (always up with the embedded feed). */
    void watchRevocationFeed(BooleanSupplier up) {
        revocationFeedUp = up;
    }

    void watchWatermarks(WebhookReceiver receiver) {
        watermarks = Optional.of(receiver);
    }

    void connectionRefused(ConnectionLimits.Refusal why) {
        refusals.get(why).increment();
    }

    void connectionClosed(Closure why) {
        closures.get(why).increment();
    }

    void readPaused(Pause why) {
        pauses.get(why).increment();
    }

    void acceptFailed() {
        acceptErrors.increment();
    }

    void decisionsInFlight(IntSupplier gauge) {
        decisionsInFlight = gauge;
    }

    void openConnections(IntSupplier gauge) {
        openConnections = gauge;
    }

    void logDrops(LongSupplier counter) {
        droppedLogLines = counter;
    }

    /**
     * The caches and call slots the gauges show, by project: every Authgear project the configuration
     * names (the top level and each rule with its own {@code authgear_endpoint}), its token caches and
     * its resolver's (or none).
     */
    void watch(List<ProjectCaches> projects) {
        this.projects = List.copyOf(projects);
    }

    public void decided(Outcome outcome, long nanos) {
        decisions.get(outcome).increment();
        decisionLatency.observe(nanos);
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
        jwksLastSuccess.put(source, System.currentTimeMillis());
    }

    @Override
    public void jwksFetchFailed(URI source, JwksFailure failure, String reason) {
        jwksFetches.increment();
        jwksFailures.increment();
        jwksLastSuccess.putIfAbsent(source, 0L);
    }

    @Override
    public void resolverCacheHit() {
        resolverCacheHits.increment();
    }

    @Override
    public void resolverCoalesced() {
        resolverCoalesced.increment();
    }

    @Override
    public void resolverQueued() {
        resolverQueued.increment();
    }

    @Override
    public void resolverCalled(long nanos, RemoteSessionKind answer) {
        resolverAnswers.get(answer).increment();
        resolverLatency.observe(nanos);
    }

    @Override
    public void resolverFailed(long nanos, ResolverFailure cause, String message) {
        resolverErrors.get(cause).increment();
        resolverLatency.observe(nanos);
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public String render() {
        StringBuilder out = new StringBuilder(2048);
        out.append("# HELP authgate_build_info The running build; always 1, the version in its label.\n");
        out.append("# TYPE authgate_build_info gauge\n");
        out.append("authgate_build_info{version=\"").append(BuildInfo.VERSION).append("\"} 1\n");
        out.append("# HELP authgate_decisions_total Decision requests answered, by outcome.\n");
        out.append("# TYPE authgate_decisions_total counter\n");
        decisions.forEach((o, n) -> out.append("authgate_decisions_total{outcome=\"").append(o.label).append("\"} ").append(n.sum()).append('\n'));
        out.append("# HELP authgate_token_rejections_total Bearer tokens that did not verify, by reason.\n");
        out.append("# TYPE authgate_token_rejections_total counter\n");
        rejections.forEach((r, n) -> out.append("authgate_token_rejections_total{reason=\"").append(r.name().toLowerCase(Locale.ROOT)).append("\"} ").append(n.sum()).append('\n'));
        counter(out, "authgate_token_cache_hits_total", "Verified-token cache hits.", cacheHits.sum());
        counter(out, "authgate_token_cache_misses_total", "Verified-token cache misses (full verification).", cacheMisses.sum());
        counter(out, "authgate_jwks_fetches_total", "JWKS fetches attempted (discovery included).", jwksFetches.sum());
        counter(out, "authgate_jwks_fetch_failures_total", "JWKS fetches that failed.", jwksFailures.sum());
        out.append("# HELP authgate_jwks_last_success_timestamp_seconds When signing keys were last fetched from the source (0: never).\n");
        out.append("# TYPE authgate_jwks_last_success_timestamp_seconds gauge\n");
        jwksLastSuccess.forEach((source, millis) -> out.append("authgate_jwks_last_success_timestamp_seconds{jwks_uri=\"")
                .append(labelValue(source.toString())).append("\"} ").append(java.math.BigDecimal.valueOf(millis, 3).toPlainString()).append('\n'));
        decisionLatency.render(out, "authgate_decision_duration_seconds", "Time from request to decision.");
        out.append("# HELP authgate_resolver_calls_total Calls to Authgear's resolver, by answer (valid, invalid, none) or error.\n");
        out.append("# TYPE authgate_resolver_calls_total counter\n");
        resolverAnswers.forEach((k, n) -> out.append("authgate_resolver_calls_total{result=\"").append(k.name().toLowerCase(Locale.ROOT)).append("\"} ").append(n.sum()).append('\n'));
        resolverErrors.forEach((c, n) -> out.append("authgate_resolver_calls_total{result=\"error_").append(c.label()).append("\"} ").append(n.sum()).append('\n'));
        counter(out, "authgate_resolver_cache_hits_total", "Remote resolutions answered from the cache.", resolverCacheHits.sum());
        counter(out, "authgate_resolver_coalesced_total", "Remote resolutions that waited for a call another request started.", resolverCoalesced.sum());
        counter(out, "authgate_resolver_queued_total", "Remote resolutions that waited for a free call slot.", resolverQueued.sum());
        resolverLatency.render(out, "authgate_resolver_call_duration_seconds", "Duration of calls to Authgear's resolver.");
        gauges(out);
        out.append("# HELP authgate_connections_open Open connections on the decision port.\n");
        out.append("# TYPE authgate_connections_open gauge\n");
        out.append("authgate_connections_open ").append(openConnections.getAsInt()).append('\n');
        out.append("# HELP authgate_decisions_in_flight Decision requests read and not yet answered (a drain waits for them).\n");
        out.append("# TYPE authgate_decisions_in_flight gauge\n");
        out.append("authgate_decisions_in_flight ").append(decisionsInFlight.getAsInt()).append('\n');
        out.append("# HELP authgate_connections_refused_total Connections closed as they were accepted, by the cap they were over.\n");
        out.append("# TYPE authgate_connections_refused_total counter\n");
        refusals.forEach((r, n) -> out.append("authgate_connections_refused_total{reason=\"").append(r.label).append("\"} ").append(n.sum()).append('\n'));
        out.append("# HELP authgate_connections_closed_total Admitted connections the adapter closed, by reason.\n");
        out.append("# TYPE authgate_connections_closed_total counter\n");
        closures.forEach((c, n) -> out.append("authgate_connections_closed_total{reason=\"").append(c.label).append("\"} ").append(n.sum()).append('\n'));
        out.append("# HELP authgate_connection_read_pauses_total Times a connection stopped being read until it could take more, by reason.\n");
        out.append("# TYPE authgate_connection_read_pauses_total counter\n");
        pauses.forEach((p, n) -> out.append("authgate_connection_read_pauses_total{reason=\"").append(p.label).append("\"} ").append(n.sum()).append('\n'));
        watermarks.ifPresent(w -> {
            out.append("# HELP authgate_webhook_events_total Authgear webhook events received, by outcome.\n");
            out.append("# TYPE authgate_webhook_events_total counter\n");
            webhookEvents.forEach((a, n) -> out.append("authgate_webhook_events_total{outcome=\"").append(a.label()).append("\"} ").append(n.sum()).append('\n'));
            gauge(out, "authgate_revocation_watermarks", "Users with an active revocation watermark.", w.activeWatermarks());
            gauge(out, "authgate_revocation_watermarks_max", "revocation.max_entries.", w.maxWatermarks());
        });
        gauge(out, "authgate_revocation_feed_up", "1 while the revocation feed reaches every node (its Redis stream is read, the last append landed); 0 raises the alarm.",
                revocationFeedUp.getAsBoolean() ? 1 : 0);
        counter(out, "authgate_log_lines_dropped_total", "Log lines dropped because stdout did not keep up.", droppedLogLines.getAsLong());
        counter(out, "authgate_accept_errors_total", "Failures to accept a connection (file descriptors exhausted, ...); accepting resumes after a pause.",
                acceptErrors.sum());
        return out.toString();
    }

    /** The cache gauges, one series per project ({@code project} = its authgear_endpoint); a resolver's only where there is one. */
    private void gauges(StringBuilder out) {
        List<ProjectCaches> all = projects;
        projectGauge(out, all, "authgate_token_cache_entries", "Verified tokens cached.", p -> sum(p.tokens(), TokenCacheGauges::size));
        projectGauge(out, all, "authgate_token_cache_bytes", "Heap the verified-token cache takes (estimated).",
                p -> sum(p.tokens(), TokenCacheGauges::weightedBytes));
        projectGauge(out, all, "authgate_token_cache_max_bytes", "token_cache_max_bytes.", p -> sum(p.tokens(), TokenCacheGauges::maxBytes));
        List<ProjectCaches> remote = all.stream().filter(p -> !p.resolvers().isEmpty()).toList();
        projectGauge(out, remote, "authgate_resolver_cache_entries", "Gate answers cached.", p -> sum(p.resolvers(), ResolverCacheGauges::size));
        projectGauge(out, remote, "authgate_resolver_cache_bytes", "Heap the resolver-answer cache takes (estimated).",
                p -> sum(p.resolvers(), ResolverCacheGauges::weightedBytes));
        projectGauge(out, remote, "authgate_resolver_cache_max_bytes", "resolver.cache_max_bytes.",
                p -> sum(p.resolvers(), ResolverCacheGauges::maxBytes));
        projectGauge(out, remote, "authgate_resolver_calls_in_flight", "Calls to Authgear's resolver in flight.",
                p -> sum(p.resolvers(), ResolverCacheGauges::callsInFlight));
        projectGauge(out, remote, "authgate_resolver_calls_queued", "Credentials waiting for a free call slot.",
                p -> sum(p.resolvers(), ResolverCacheGauges::callsQueued));
    }

    /** A gauge family with one series per project; none when there is no project to show. */
    private static void projectGauge(StringBuilder out, List<ProjectCaches> projects, String name, String help,
                                     java.util.function.ToLongFunction<ProjectCaches> value) {
        if (projects.isEmpty()) {
            return;
        }
        out.append("# HELP ").append(name).append(' ').append(help).append(" By project (its authgear_endpoint).\n");
        out.append("# TYPE ").append(name).append(" gauge\n");
        for (ProjectCaches p : projects) {
            out.append(name).append("{project=\"").append(labelValue(p.project())).append("\"} ").append(value.applyAsLong(p)).append('\n');
        }
    }

    private static <G> long sum(List<G> gauges, java.util.function.ToLongFunction<G> value) {
        long total = 0;
        for (G g : gauges) {
            total += value.applyAsLong(g);
        }
        return total;
    }

    /** A label value as the exposition format escapes it: backslash, quote, newline. */
    private static String labelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }
}

package io.authgate.forwardauth;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The keys a reload cannot change, because what they set is made once when the process starts: the
 * listening sockets ({@code listen}, {@code admin_listen}), the event loops
 * ({@code event_loop_threads}), the decision port's connection bounds and pipeline (the
 * {@link ConnectionPolicy} keys), which paths of the decision port are decisions
 * ({@code envoy_path_prefix}), the development issuer, and {@code gateway_cache_max_age_seconds}
 * (its {@code Cache-Control} lines are encoded once, at start, for the answer hot path), and the
 * log's {@code log_format} and {@code decision_log} (the log is made once, at start). A reload that changes one is refused
 * whole, naming the key: applying the rest would leave the running process different from its file
 * in a way nobody asked for. Keys are compared as parsed, so writing a default out changes nothing.
 */
final class RestartOnlyKeys {
    private record Key(String name, Function<AdapterConfig, Object> value) {
    }

    private static final List<Key> KEYS = List.of(
            new Key("listen", AdapterConfig::listen),
            new Key("admin_listen", AdapterConfig::adminListen),
            new Key("event_loop_threads", AdapterConfig::eventLoopThreads),
            new Key("max_connections", c -> c.connections().maxConnections()),
            new Key("max_connections_per_source", c -> c.connections().maxConnectionsPerSource()),
            new Key("gateway_sources", c -> c.connections().gatewaySources()),
            new Key("request_head_timeout_ms", c -> c.connections().requestHeadTimeout()),
            new Key("max_pipelined_requests", c -> c.connections().maxPipelinedRequests()),
            new Key("envoy_path_prefix", AdapterConfig::envoyPathPrefix),
            new Key("development_issuer", AdapterConfig::developmentIssuer),
            // The listener is bound once; the watermarks are made once per project with their lifetime and cap,
            // and the project's Redis stream (revocation.redis) is followed from start to shutdown. Before
            // the answer caching: turning revocation on also lowers its default, and the cause is the one to name.
            new Key(AdapterConfig.WEBHOOK_LISTEN, AdapterConfig::webhookListen),
            new Key("revocation", c -> c.core().revocation()),
            new Key(AnswerCaching.KEY, AdapterConfig::answerCaching),
            new Key("log_format", c -> c.logs().format()),
            new Key("decision_log", c -> c.logs().decisionLog()));

    private RestartOnlyKeys() {
    }

    /** The first key whose value differs between the running and the new configuration, if any. */
    static Optional<String> firstChanged(AdapterConfig running, AdapterConfig next) {
        for (Key key : KEYS) {
            if (!Objects.equals(key.value().apply(running), key.value().apply(next))) {
                return Optional.of(key.name());
            }
        }
        return Optional.empty();
    }
}

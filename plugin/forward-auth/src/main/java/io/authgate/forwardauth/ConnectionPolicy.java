package io.authgate.forwardauth;

import com.fasterxml.jackson.databind.JsonNode;
import io.authgate.core.config.ConfigException;
import io.authgate.core.config.ConfigSection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The decision port's bounds on its clients: how many connections, how many from one source that is
 * not a gateway, how long a request head may take, and how many answers one connection may have
 * outstanding. See the README's adapter table for what each costs.
 *
 * @param maxConnections          open decision connections; past it a new one is closed at once
 * @param maxConnectionsPerSource open connections from one address outside {@code gatewaySources};
 *                                empty: no per-source cap (the default, see {@link #parse})
 * @param gatewaySources          the gateways' addresses, which the per-source cap never limits
 * @param requestHeadTimeout      a connection's next request head must be complete this soon after
 *                                the connection opened or the head's first byte arrived
 * @param maxPipelinedRequests    requests read on one connection whose answers are not yet written;
 *                                at the cap the connection is not read until one is
 */
public record ConnectionPolicy(int maxConnections, OptionalInt maxConnectionsPerSource, AddressRanges gatewaySources,
                        Duration requestHeadTimeout, int maxPipelinedRequests) {

    static final Set<String> KEYS = Set.of("max_connections", "max_connections_per_source", "gateway_sources",
            "request_head_timeout_ms", "max_pipelined_requests");
    static final int DEFAULT_MAX_CONNECTIONS = 1024;
    static final int MAX_MAX_CONNECTIONS = 1_000_000;
    static final List<String> DEFAULT_GATEWAY_SOURCES = List.of("127.0.0.0/8", "::1");
    static final int DEFAULT_REQUEST_HEAD_TIMEOUT_MS = 10_000;
    static final int DEFAULT_MAX_PIPELINED_REQUESTS = 16;
    /**
     * File descriptors beyond the decision connections: the management port's connections, calls to
     * Authgear (resolver.max_concurrent_calls, 256 by default, per distinct resolver settings) and
     * JWKS fetches, and the JVM's own (about 25, plus 3 per event loop).
     */
    static final int DESCRIPTOR_RESERVE = 1024;

    /**
     * Reads this record's keys from the adapter's configuration. There is no
     * per-source cap unless {@code max_connections_per_source} is set: the adapter cannot tell a busy
     * gateway on another host from a flood from one address unless told which addresses are
     * gateways, and a busy gateway legitimately holds hundreds of connections (nginx keeps
     * {@code keepalive} idle ones per worker and opens more under load; Traefik opens one per
     * concurrent auth request). A default cap would refuse the gateway itself.
     */
    static ConnectionPolicy parse(ConfigSection root) {
        int max = wholeNumber(root.get("max_connections").orElse(null), "max_connections", 1, MAX_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS);
        JsonNode perSourceNode = root.get("max_connections_per_source").orElse(null);
        OptionalInt perSource = perSourceNode == null ? OptionalInt.empty()
                : OptionalInt.of(wholeNumber(perSourceNode, "max_connections_per_source", 1, max, 0));
        JsonNode gatewaysNode = root.get("gateway_sources").orElse(null);
        if (gatewaysNode != null && perSource.isEmpty()) {
            throw new ConfigException("gateway_sources", "only matters with max_connections_per_source (the gateways are exempt from"
                    + " that cap); set it too, or remove gateway_sources");
        }
        AddressRanges gateways = AddressRanges.parse(gatewaysNode == null ? DEFAULT_GATEWAY_SOURCES : strings(gatewaysNode), "gateway_sources");
        int headMs = wholeNumber(root.get("request_head_timeout_ms").orElse(null), "request_head_timeout_ms", 100, 600_000, DEFAULT_REQUEST_HEAD_TIMEOUT_MS);
        int pipelined = wholeNumber(root.get("max_pipelined_requests").orElse(null), "max_pipelined_requests", 1, 1024, DEFAULT_MAX_PIPELINED_REQUESTS);
        return new ConnectionPolicy(max, perSource, gateways, Duration.ofMillis(headMs), pipelined);
    }

    /** The open-file limit this policy needs: {@code ulimit -n} (or systemd's LimitNOFILE) at least this. */
    long descriptorsNeeded() {
        return (long) maxConnections + DESCRIPTOR_RESERVE;
    }

    static ConnectionPolicy defaults() {
        return parse(ConfigSection.root(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), ""));
    }

    static int wholeNumber(JsonNode node, String key, int min, int max, int fallback) {
        if (node == null) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw new ConfigException(key, "must be a whole number from " + min + " to " + max);
        }
        return node.intValue();
    }

    private static List<String> strings(JsonNode node) {
        if (!node.isArray()) {
            throw new ConfigException("gateway_sources", "must be a list of IP addresses or CIDR ranges, e.g. [10.0.0.5, 10.1.0.0/16]");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode entry : node) {
            if (!entry.isTextual()) {
                throw new ConfigException("gateway_sources", "must be a list of IP addresses or CIDR ranges, e.g. [10.0.0.5, 10.1.0.0/16]");
            }
            out.add(entry.textValue());
        }
        return out;
    }
}

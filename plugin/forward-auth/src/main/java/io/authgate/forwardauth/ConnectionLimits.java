package io.authgate.forwardauth;

import io.netty.channel.Channel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admits a new connection or refuses it: at most {@code max} open on a port, and at most
 * {@code perSource} from one address that is not a gateway. A refused connection is closed at once
 * (before a byte of it is read) and counted; a slot frees the moment its connection closes. Runs once
 * per connection, on its event loop; the counts are shared by all of them.
 */
final class ConnectionLimits {
    /** Why a connection was refused, as /metrics labels it. */
    enum Refusal {
        MAX_CONNECTIONS("max_connections"), MAX_CONNECTIONS_PER_SOURCE("max_connections_per_source"),
        /** The management port's own cap ({@link ForwardAuthServer#ADMIN_MAX_CONNECTIONS}). */
        ADMIN_MAX_CONNECTIONS("admin_max_connections"),
        /** The webhook port's own cap ({@link ForwardAuthServer#WEBHOOK_MAX_CONNECTIONS}). */
        WEBHOOK_MAX_CONNECTIONS("webhook_max_connections"),
        /** The webhook port's per-source cap ({@link ForwardAuthServer#WEBHOOK_MAX_CONNECTIONS_PER_SOURCE}). */
        WEBHOOK_MAX_CONNECTIONS_PER_SOURCE("webhook_max_connections_per_source");

        final String label;

        Refusal(String label) {
            this.label = label;
        }
    }

    private final int max;
    private final Refusal overMax;
    private final Refusal overPerSource;
    private final OptionalInt perSource;
    private final AddressRanges gateways;
    private final Metrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    /** Open connections by source, for sources the per-source cap applies to; no entry at zero. */
    private final ConcurrentHashMap<InetAddress, Integer> bySource = new ConcurrentHashMap<>();

    /** @param overMax how a refusal past {@code max} is counted */
    ConnectionLimits(int max, Refusal overMax, OptionalInt perSource, AddressRanges gateways, Metrics metrics) {
        this(max, overMax, perSource, Refusal.MAX_CONNECTIONS_PER_SOURCE, gateways, metrics);
    }

    /** @param overPerSource how a refusal past {@code perSource} is counted */
    ConnectionLimits(int max, Refusal overMax, OptionalInt perSource, Refusal overPerSource, AddressRanges gateways, Metrics metrics) {
        this.max = max;
        this.overMax = overMax;
        this.overPerSource = overPerSource;
        this.perSource = perSource;
        this.gateways = gateways;
        this.metrics = metrics;
    }

    static ConnectionLimits of(ConnectionPolicy policy, Metrics metrics) {
        return new ConnectionLimits(policy.maxConnections(), Refusal.MAX_CONNECTIONS, policy.maxConnectionsPerSource(),
                policy.gatewaySources(), metrics);
    }

    /** Open connections now. */
    int open() {
        return open.get();
    }

    /** True when {@code ch} may stay open (its close gives the slot back); false when it was refused and closed. */
    boolean admit(Channel ch) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return refuse(ch, overMax);
        }
        Optional<InetAddress> source = perSource.isPresent() ? capped(ch.remoteAddress()) : Optional.empty();
        if (source.isPresent() && bySource.merge(source.get(), 1, Integer::sum) > perSource.getAsInt()) {
            release(source.get());
            open.decrementAndGet();
            return refuse(ch, overPerSource);
        }
        ch.closeFuture().addListener(closed -> {
            source.ifPresent(this::release);
            open.decrementAndGet();
        });
        return true;
    }

    /** The source address when the per-source cap applies to it: an IP address that is not a gateway's. */
    private Optional<InetAddress> capped(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null && !gateways.contains(inet.getAddress())) {
            return Optional.of(inet.getAddress());
        }
        return Optional.empty();
    }

    private void release(InetAddress source) {
        bySource.computeIfPresent(source, (k, n) -> n == 1 ? null : n - 1);
    }

    private boolean refuse(Channel ch, Refusal why) {
        metrics.connectionRefused(why);
        ch.close();
        return false;
    }
}

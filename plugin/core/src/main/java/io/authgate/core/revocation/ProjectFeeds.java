package io.authgate.core.revocation;

import io.authgate.core.config.ConfigException;
import io.authgate.core.revocation.redis.RedisSettings;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Redis stream each Authgear project's nodes share, one per project (its issuer), followed from
 * the first configuration that names it ({@code revocation.redis}) until {@link #close}. A project
 * no configuration gave a stream has the embedded feed: the receiving node applies its own events.
 *
 * <p>A stream entry is the body Authgear signed, which does not name the project, so a stream
 * belongs to one project: a second project naming it, or a second stream for one project, is a
 * configuration error. A configuration without {@code redis} says nothing about the feed (an APISIX
 * route of the project that does not repeat the section), so it neither conflicts nor stops one.
 */
public final class ProjectFeeds implements AutoCloseable {
    /** Where a stream is: the same server, database and key are the same stream, whatever the login. */
    private record StreamAddress(String host, int port, int database, String stream) {
        static StreamAddress of(RedisSettings s) {
            return new StreamAddress(s.uri().host(), s.uri().port(), s.uri().database(), s.stream());
        }
    }

    private record Followed(RedisSettings settings, RevocationFeed feed) {
    }

    private final Function<RedisSettings, RevocationFeed> redisFeeds;
    private final Map<String, Followed> byIssuer = new ConcurrentHashMap<>();
    private boolean closed;

    /** @param redisFeeds makes the (unstarted) feed of a stream */
    public ProjectFeeds(Function<RedisSettings, RevocationFeed> redisFeeds) {
        this.redisFeeds = redisFeeds;
    }

    /**
     * Follows the project's stream when {@code redis} names one: from now on its events, whichever
     * node received them, reach {@code sink} (from the start of the retention window first). Once per
     * project; later calls only check that they agree.
     *
     * @throws ConfigException naming {@code revocation.redis} or {@code revocation.redis.stream} on a conflict
     */
    public synchronized void follow(String issuer, Optional<RedisSettings> redis, Consumer<byte[]> sink) {
        if (redis.isEmpty()) {
            return;
        }
        RedisSettings settings = redis.get();
        Followed followed = byIssuer.get(issuer);
        if (followed != null) {
            if (!followed.settings().equals(settings)) {
                throw new ConfigException("revocation.redis", "differs from another configuration of the Authgear project " + issuer
                        + " (stream " + followed.settings().stream() + " at " + followed.settings().uri() + "): one project follows one stream");
            }
            return;
        }
        StreamAddress address = StreamAddress.of(settings);
        byIssuer.forEach((other, f) -> {
            if (StreamAddress.of(f.settings()).equals(address)) {
                throw new ConfigException("revocation.redis.stream", "is the stream of the Authgear project " + other
                        + ": each project needs its own (its entries are Authgear's bodies, which do not name the project)");
            }
        });
        if (closed) {
            throw new IllegalStateException("the revocation feeds are closed");
        }
        RevocationFeed feed = redisFeeds.apply(settings);
        feed.start(sink);
        byIssuer.put(issuer, new Followed(settings, feed));
    }

    /**
     * A verified event received here: applied to {@code here} at once (so this node's answer means
     * "refused here"), then appended to the project's stream, if it has one, for every other node. The
     * stream brings it back to this node too, which changes nothing (watermarks are idempotent).
     * Fails when either step does, so the receiver answers 503: a failed delivery to Authgear.
     */
    public CompletableFuture<Void> publish(String issuer, Consumer<byte[]> here, byte[] body) {
        try {
            here.accept(body);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Followed followed = byIssuer.get(issuer);
        if (followed == null) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return followed.feed().publish(body);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether {@code issuer}'s stream is read and written now (true without one): a front need not wait on a feed known down. */
    public boolean up(String issuer) {
        Followed followed = byIssuer.get(issuer);
        return followed == null || followed.feed().up();
    }

    /** For {@code authgate_revocation_feed_up}: every followed stream is read and written (true with none). */
    public boolean up() {
        return byIssuer.values().stream().allMatch(f -> f.feed().up());
    }

    @Override
    public synchronized void close() {
        closed = true;
        byIssuer.values().forEach(f -> f.feed().close());
    }
}

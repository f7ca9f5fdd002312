package io.authgate.core.revocation.redis;

import io.authgate.core.RevocationFeedFailure;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The feed's reader, on its own thread: on its first connection it reads from the start of the
 * retention window ({@code <redis now − retention>-0}), then follows from the last id it read with
 * {@code XREAD COUNT n BLOCK ms STREAMS <stream> <id>}. A broken connection is opened again after a
 * capped backoff and the reading continues from the last id, so what was appended while this node
 * could not reach Redis is read when it can again. A sink that throws is counted and the reader goes on.
 */
final class StreamReader implements Runnable {
    private final RedisSettings settings;
    private final FeedHealth health;
    private final RedisConnector connector;
    private final Consumer<byte[]> sink;
    private final LongAdder sinkFailures;
    private volatile boolean closed;
    private volatile Optional<RedisConnection> current = Optional.empty();
    /** Used only on the reader's thread; empty until the first connection fixes the window's start. */
    private Optional<StreamId> last = Optional.empty();

    StreamReader(RedisSettings settings, FeedHealth health, RedisConnector connector, Consumer<byte[]> sink, LongAdder sinkFailures) {
        this.settings = settings;
        this.health = health;
        this.connector = connector;
        this.sink = sink;
        this.sinkFailures = sinkFailures;
    }

    @Override
    public void run() {
        Backoff backoff = new Backoff(settings.reconnectMax());
        while (!closed) {
            try {
                readUntilFailureGuarded(backoff);
            } catch (RedisException e) {
                if (closed) {
                    return; // close() broke the connection: not an outage
                }
                health.readerFailed(e);
                try {
                    Thread.sleep(backoff.nextMillis());
                } catch (InterruptedException interrupted) {
                    return; // only close() interrupts this thread
                }
            }
        }
    }

    /**
     * A bug of ours (a reply shape not foreseen) must not end the thread and with it this node's
     * revocations, silently: it counts as a failure, and the reader starts over from its last id.
     */
    private void readUntilFailureGuarded(Backoff backoff) throws RedisException {
        try {
            readUntilFailure(backoff);
        } catch (RuntimeException e) {
            throw new RedisException(RevocationFeedFailure.PROTOCOL, "unexpected " + e.getClass().getName(), e);
        }
    }

    private void readUntilFailure(Backoff backoff) throws RedisException {
        RedisConnection c = connector.open();
        current = Optional.of(c);
        try {
            if (closed) {
                return;
            }
            health.readerUp();
            backoff.reset();
            StreamId from = last.orElseGet(() -> new StreamId(c.redisNowMillis() - settings.retention().toMillis(), 0));
            last = Optional.of(from);
            byte[][] command = xread();
            while (!closed) {
                command[command.length - 1] = RedisConnection.utf8(from.toString());
                Reply reply = c.call(settings.readBlock().plus(settings.commandTimeout()), command);
                health.readerUp();
                for (StreamEntry entry : StreamEntry.fromXread(reply)) {
                    entry.body().ifPresent(this::deliver);
                    from = entry.id();
                    last = Optional.of(from);
                }
            }
        } finally {
            c.close();
        }
    }

    private byte[][] xread() {
        return new byte[][]{RedisConnection.utf8("XREAD"), RedisConnection.utf8("COUNT"), RedisConnection.utf8(Integer.toString(settings.readCount())),
                RedisConnection.utf8("BLOCK"), RedisConnection.utf8(Long.toString(settings.readBlock().toMillis())),
                RedisConnection.utf8("STREAMS"), RedisConnection.utf8(settings.stream()), new byte[0]};
    }

    private void deliver(byte[] body) {
        try {
            sink.accept(body);
        } catch (RuntimeException e) {
            sinkFailures.increment(); // not logged: the sink's own failure is the sink's to report
        }
    }

    /** Stops reading: the blocked XREAD's socket is closed, so the thread ends within moments. */
    void close() {
        closed = true;
        current.ifPresent(RedisConnection::close);
    }
}

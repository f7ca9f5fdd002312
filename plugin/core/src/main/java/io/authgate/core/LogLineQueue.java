package io.authgate.core;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Writes log lines on a thread of its own, so that a slow output (a full pipe, a stalled journald,
 * APISIX's privileged agent not draining the runner's stdout) never blocks an event loop: the
 * adapter's log on stdout, the runner's decision log into SLF4J (whose console appender writes on
 * the thread that logs). Bounded: at most {@link #CAPACITY} lines and {@link #MAX_QUEUED_CHARS}
 * characters wait (a decision line carries a client's path, up to the 64 KiB header limit); past
 * either a line is dropped and counted, and once the stream takes lines again a note says how many
 * were lost.
 */
public final class LogLineQueue {
    public static final int CAPACITY = 8192;
    /** 4 Mi characters, at most 8 MiB of heap: small beside the README's 256 MiB. */
    public static final long MAX_QUEUED_CHARS = 4L << 20;

    private final BlockingQueue<String> queue;
    private final Consumer<String> out;
    private final Runnable flushOut;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong queuedChars = new AtomicLong();
    private volatile LongFunction<String> dropNote = n -> "authgate: " + n + " log line(s) dropped: the output did not keep up";

    private LogLineQueue(Consumer<String> out, Runnable flushOut, int capacity) {
        this.out = out;
        this.flushOut = flushOut;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * @param out      writes one line (and may block: only this queue's thread calls it)
     * @param flushOut pushes what {@code out} buffers, for {@link #flush}
     */
    public static LogLineQueue start(String threadName, Consumer<String> out, Runnable flushOut) {
        return start(threadName, out, flushOut, CAPACITY);
    }

    public static LogLineQueue start(String threadName, Consumer<String> out, Runnable flushOut, int capacity) {
        LogLineQueue writer = new LogLineQueue(out, flushOut, capacity);
        Thread thread = new Thread(writer::run, threadName);
        thread.setDaemon(true); // flush() on the way out; a daemon never holds the process up
        thread.start();
        return writer;
    }

    /** How the note about dropped lines reads, for the log's format. */
    public void dropNote(LongFunction<String> note) {
        this.dropNote = note;
    }

    /** Queues a line; never waits. */
    public void write(String line) {
        if (queuedChars.addAndGet(line.length()) <= MAX_QUEUED_CHARS && queue.offer(line)) {
            accepted.incrementAndGet();
        } else {
            queuedChars.addAndGet(-line.length());
            dropped.incrementAndGet();
        }
    }

    /** Characters of the lines waiting to be written. */
    public long queuedChars() {
        return queuedChars.get();
    }

    /** Lines dropped since start because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Waits (at most {@code timeout}) until every line queued before this call is written. */
    public void flush(Duration timeout) {
        long target = accepted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (written.get() < target && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        flushOut.run();
    }

    private void run() {
        long reported = 0;
        while (true) {
            String line;
            try {
                line = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            long lost = dropped.get();
            if (lost > reported) {
                out.accept(dropNote.apply(lost - reported));
                reported = lost;
            }
            if (line != null) {
                queuedChars.addAndGet(-line.length());
                out.accept(line);
                written.incrementAndGet();
            }
        }
    }
}

package io.authgate.core;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A stdout that does not take lines never holds up whoever logs: the queue is bounded, and drops are counted and said. */
class LogLineQueueTest {

    /** A stream that blocks every write until released: a full pipe, a stalled journald. */
    private static final class StalledStream extends OutputStream {
        final CountDownLatch release = new CountDownLatch(1);
        final ByteArrayOutputStream written = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            await();
            written.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            await();
            written.write(b, off, len);
        }

        private void await() {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized String text() {
            return written.toString(StandardCharsets.UTF_8);
        }
    }

    private static LogLineQueue start(PrintStream out, int capacity) {
        return LogLineQueue.start("authgate-log-test", out::println, out::flush, capacity);
    }

    @Test
    void atTheBoundLinesAreDroppedWithoutWaitingAndTheDropIsSaidOnceTheStreamTakesLinesAgain() throws Exception {
        StalledStream stream = new StalledStream();
        int capacity = 16;
        LogLineQueue writer = start(new PrintStream(stream, true, StandardCharsets.UTF_8), capacity);

        long started = System.nanoTime();
        // One line may already sit in the writer thread, blocked in the stream; the queue takes `capacity` more.
        int lines = capacity * 10;
        for (int i = 0; i < lines; i++) {
            writer.write("line " + i);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(millis).as("ms to log %d lines into a stalled stream", lines).isLessThan(2_000);
        assertThat(writer.dropped()).isBetween((long) lines - capacity - 1, (long) lines - capacity);

        stream.release.countDown();
        writer.flush(Duration.ofSeconds(10));
        long dropped = writer.dropped();
        writer.write("after");
        writer.flush(Duration.ofSeconds(10));
        String text = stream.text();
        // The writer says the drops it has counted before each line it writes; it may have taken a line
        // (and said the drops so far) before blocking, so the count can come in more than one notice.
        java.util.regex.Matcher notices = java.util.regex.Pattern
                .compile("(?m)^authgate: (\\d+) log line\\(s\\) dropped: the output did not keep up$").matcher(text);
        long said = 0;
        while (notices.find()) {
            said += Long.parseLong(notices.group(1));
        }
        assertThat(said).as("drops said, in all notices").isEqualTo(dropped);
        assertThat(text).contains("line 0\n").endsWith("after\n");
        assertThat(writer.dropped()).as("nothing dropped once the stream takes lines").isEqualTo(dropped);
        assertThat(text.lines().filter(l -> l.startsWith("line ")).count()).isEqualTo(lines - dropped);
    }

    @Test
    void longLinesIntoAStalledStreamAreBoundedInCharactersNotOnlyInLines() {
        // A decision-log line carries the forwarded path, up to the adapter's 64 KiB header limit (and
        // JSON escaping makes it longer): 8192 of them would be half a GiB at a 256 MiB heap.
        StalledStream stream = new StalledStream();
        LogLineQueue writer = start(new PrintStream(stream, true, StandardCharsets.UTF_8), LogLineQueue.CAPACITY);
        String line = "x".repeat(64 * 1024);
        for (int i = 0; i < LogLineQueue.CAPACITY; i++) {
            writer.write(line);
        }
        assertThat(writer.queuedChars()).isLessThanOrEqualTo(LogLineQueue.MAX_QUEUED_CHARS);
        assertThat(writer.dropped()).isGreaterThan(LogLineQueue.CAPACITY - LogLineQueue.MAX_QUEUED_CHARS / line.length() - 2L);
        stream.release.countDown();
        writer.flush(Duration.ofSeconds(10));
        assertThat(writer.queuedChars()).isZero();
    }

    @Test
    void flushWaitsForTheLinesQueuedBeforeIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LogLineQueue writer = start(new PrintStream(bytes, true, StandardCharsets.UTF_8), LogLineQueue.CAPACITY);
        for (int i = 0; i < 100; i++) {
            writer.write("line " + i);
        }
        writer.flush(Duration.ofSeconds(10));
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).hasSize(100).endsWith("line 99");
    }
}

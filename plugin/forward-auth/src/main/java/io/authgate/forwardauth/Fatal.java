package io.authgate.forwardauth;

import io.authgate.forwardauth.log.LogFormat;
import io.authgate.forwardauth.log.LogLine;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.function.BooleanSupplier;

/**
 * A dead process beats a zombie. After an {@link Error} (out of memory, a stack overflow, a class
 * that failed to initialise, a thread killed) some part of the adapter may be gone for good while
 * its ports still accept connections: an event loop that died leaves its connections and its port
 * unanswered, and Netty catches what its handlers throw, Errors included, and carries on. So any
 * Error, any thread dying of an uncaught throwable, and any event loop ending while the adapter is
 * not stopping end the process at once with {@link #EXIT_STATUS} and one line on stderr, for systemd
 * or Kubernetes to restart it, in the configuration's {@code log_format} (a JSON object under
 * {@code json}, as every other line). The line is written here, not through the log's queue: the
 * log's thread may be the one that died. Heap exhaustion is also covered by {@code -XX:+ExitOnOutOfMemoryError}
 * (same status); this covers what that flag does not: Errors thrown from Java code (direct buffer
 * memory), the other Errors, and threads that end without one.
 */
final class Fatal {
    /** Also what {@code -XX:+ExitOnOutOfMemoryError} exits with. */
    static final int EXIT_STATUS = 3;
    private static final String PREFIX = "fatal: ";
    private static final String SUFFIX = "; exiting";
    private static final String UNRECOVERABLE = PREFIX + "an unrecoverable error" + SUFFIX;
    /** The stream as it was at start: nothing later can redirect where the last words go. */
    private static final PrintStream ERR = System.err;

    private static volatile LogFormat format = LogFormat.TEXT;

    private Fatal() {
    }

    /** The last line's format from now on: the configuration's {@code log_format}, once it is read. */
    static void writeAs(LogFormat logFormat) {
        format = logFormat;
    }

    /**
     * Every thread that dies of an uncaught throwable ends the process. Also loads, while files can
     * still be opened, what printing a log record needs later: when file descriptors ran out, the
     * JDK logger's first record failed to load the time-zone rules and the Error killed the thread
     * accepting connections (NoClassDefFoundError for ZoneRulesProvider, seen under
     * {@code ulimit -n 256}).
     */
    static void install() {
        ZonedDateTime.now().getOffset();
        LogLine.fatal("fatal", "").render(LogFormat.JSON, Instant.now());
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> halt("thread " + thread.getName() + " died", error));
    }

    /** An Error, or a wrapper of one (a CompletionException, a DecoderException). */
    static boolean isFatal(Throwable t) {
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof Error) {
                return true;
            }
        }
        return false;
    }

    /** Ends the process if {@code t} is {@linkplain #isFatal fatal}; returns otherwise. */
    static void haltIfFatal(String where, Throwable t) {
        if (isFatal(t)) {
            halt(where, t);
        }
    }

    /** Each event loop of {@code group} that ends while {@code stopping} is false ends the process. */
    static void watch(EventLoopGroup group, BooleanSupplier stopping) {
        for (EventExecutor loop : group) {
            loop.terminationFuture().addListener(done -> {
                if (!stopping.getAsBoolean()) {
                    halt("event loop thread ended unexpectedly", done.cause());
                }
            });
        }
    }

    /**
     * One line, then {@link Runtime#halt}: no shutdown hook or stuck thread can keep the process
     * alive. Building the line can itself fail (no memory left): then a fixed line.
     */
    static void halt(String what, Throwable cause) {
        LogFormat f = format;
        try {
            ERR.println(LogLine.fatal("fatal", PREFIX + what + (cause == null ? "" : ": " + describe(cause)) + SUFFIX)
                    .render(f, Instant.now()));
        } catch (Throwable again) {
            ERR.println(f == LogFormat.JSON ? "{\"level\":\"fatal\",\"event\":\"fatal\",\"message\":\"" + UNRECOVERABLE + "\"}"
                    : "authgate: " + UNRECOVERABLE);
        } finally {
            ERR.flush();
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }

    /** The Error (rather than its wrapper) with its message on one line. */
    private static String describe(Throwable t) {
        Throwable shown = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Error) {
                shown = c;
                break;
            }
        }
        String message = shown.getMessage();
        return shown.getClass().getName() + (message == null ? "" : ": " + message.replaceAll("\\s+", " "));
    }
}

package io.authgate.forwardauth.log;

import io.authgate.core.LogLineQueue;
import io.authgate.core.StateChange;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The adapter's operational log: one line per event on stdout, plain text or JSON lines
 * ({@code log_format}). Thread-safe; never blocks its caller (lines are written by a thread of its
 * own, see {@link LogLineQueue}). Nothing it writes carries a token, a cookie or a header value other
 * than the decision log's method, host and path.
 */
public interface AdapterLog {

    /** The log in this format, one line per event on {@code out} (the adapter passes stdout). */
    static AdapterLog to(LogFormat format, PrintStream out) {
        return new LineLog(format, LogLineQueue.start("authgate-log", out::println, out::flush));
    }

    /** The one start-up line: what runs, against which issuer, where. */
    void started(StartupSummary summary);

    /** SIGTERM or SIGINT: requests in flight are drained, then the process stops. */
    void stopping();

    /** The last line. */
    void stopped();

    /** Keys loaded or changed, a JWKS source or Authgear's resolver failing, still failing, recovered. */
    void stateChanged(StateChange change);

    /**
     * The configuration file was read again and now serves; {@code rules}: how many rules it has,
     * {@code previousRules}: how many the one it replaced had (a file caught half-written that still
     * parses shows as rules gone).
     */
    void configReloaded(Path file, int rules, int previousRules);

    /** The configuration file was read again and refused; the running configuration keeps serving. */
    void reloadRefused(Path file, String key, String reason);

    /** This process cannot hear {@code SIGHUP} (it was started with the signal ignored, as nohup does). */
    void hangupIgnored();

    /** A line that needs no method of its own (the open-file limit below what the connection cap needs). */
    void note(LogLine line);

    /**
     * accept(2) failing, typically out of file descriptors; the caller says it at most once a minute.
     * Written by the log's thread like every line: under EMFILE nothing here opens a file.
     */
    void acceptFailing(String reason, long retryMillis);

    /** One JSON line per decision on the same stream when {@code on}; {@link DecisionLog#OFF} otherwise. */
    DecisionLog decisions(boolean on);

    /** Lines dropped because stdout did not keep up (the writer's queue was full). */
    long droppedLines();

    /** Waits (at most a second) until every line so far is written: before the process exits. */
    void flush();
}

package io.authgate.forwardauth.log;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The adapter's operational log: one line per event, plain text or JSON lines ({@code log_format}).
 * Thread-safe; never blocks its caller (lines are written by a thread of its own, see {@link LineWriter}).
 * Nothing it writes carries a token, a cookie or another header value.
 */
public interface AdapterLog {

    /** The log in this format, one line per event on {@code out} (the adapter passes stdout). */
    static AdapterLog to(LogFormat format, PrintStream out) {
        return new LineLog(format, LineWriter.start(out));
    }

    /** The configuration file was read again and now serves; {@code rules}: how many rules it has. */
    void configReloaded(Path file, int rules);

    /** The configuration file was read again and refused; the running configuration keeps serving. */
    void reloadRefused(Path file, String key, String reason);
}

package io.authgate.forwardauth.log;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * What the libraries in the adapter log (Netty and Caffeine write to {@code java.util.logging}: the
 * jar carries no SLF4J) goes into the adapter's log, one line each in its {@code log_format}, event
 * {@code library_log}. The JDK's console handler would write two lines per record, and a stack trace,
 * on stderr, which a JSON log pipeline cannot read. Records below INFO are dropped, as the JDK's
 * default does; a throwable is told by its class and message, on the same line.
 */
public final class LibraryLogs extends Handler {
    private static final Formatter MESSAGE = new SimpleFormatter();

    private final AdapterLog log;

    private LibraryLogs(AdapterLog log) {
        this.log = log;
        setLevel(Level.INFO);
    }

    /** Every {@code java.util.logging} record from now on goes to {@code log}, and nothing to the console. */
    public static void routeTo(AdapterLog log) {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(new LibraryLogs(log));
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String logger = record.getLoggerName() == null ? "(anonymous)" : record.getLoggerName();
        String message = MESSAGE.formatMessage(record);
        Throwable thrown = record.getThrown();
        String error = thrown == null ? "" : ": " + thrown.getClass().getName()
                + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage());
        String text = (logger + ": " + message + error).replaceAll("\\s+", " ");
        LogLine line = record.getLevel().intValue() >= Level.WARNING.intValue()
                ? LogLine.warn("library_log", text) : LogLine.info("library_log", text);
        log.note(line.with("logger", logger));
    }

    @Override
    public void flush() {
        // Lines are written by the log's own thread.
    }

    @Override
    public void close() {
        // The log outlives this handler.
    }
}

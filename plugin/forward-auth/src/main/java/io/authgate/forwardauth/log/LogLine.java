package io.authgate.forwardauth.log;

import io.authgate.core.JsonText;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * One line of the operational log: what happened ({@code event}, a stable snake_case name for
 * pipelines to match on), how much it matters, a sentence for people, and the same facts as fields.
 * Text format writes the sentence; JSON writes everything.
 *
 * @param fields name/value pairs; a value is a String, a Number, a Boolean or a collection of Strings
 */
public record LogLine(Level level, String event, String message, List<Field> fields) {

    public enum Level {
        INFO, WARN,
        /** The process could not start (a port in use): the last line. */
        ERROR,
        /** The process ends now ({@code Fatal}): the last line. */
        FATAL;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Field(String name, Object value) {
    }

    /** The start-up line's event. */
    static final String STARTED = "started";
    /**
     * The process's own lines (listening, draining, stopped) read "authgate forward-auth ..." as
     * they always have: scripts and tests wait for them and read the bound ports from the first.
     */
    private static final String PROCESS_LINE = "forward-auth";

    public LogLine {
        fields = List.copyOf(fields);
    }

    public static LogLine info(String event, String message) {
        return new LogLine(Level.INFO, event, message, List.of());
    }

    public static LogLine warn(String event, String message) {
        return new LogLine(Level.WARN, event, message, List.of());
    }

    public static LogLine error(String event, String message) {
        return new LogLine(Level.ERROR, event, message, List.of());
    }

    public static LogLine fatal(String event, String message) {
        return new LogLine(Level.FATAL, event, message, List.of());
    }

    /** This line with one more field. */
    public LogLine with(String name, Object value) {
        List<Field> more = new ArrayList<>(fields);
        more.add(new Field(name, value));
        return new LogLine(level, event, message, more);
    }

    public String render(LogFormat format, Instant time) {
        if (format == LogFormat.TEXT) {
            return (message.startsWith(PROCESS_LINE) ? "authgate " : "authgate: ") + message;
        }
        StringBuilder out = new StringBuilder(128 + message.length());
        out.append("{\"time\":\"").append(time).append("\",\"level\":\"").append(level.label()).append("\",\"event\":");
        JsonText.appendString(out, event);
        for (Field f : fields) {
            out.append(',');
            JsonText.appendString(out, f.name());
            out.append(':');
            appendValue(out, f.value());
        }
        out.append(",\"message\":");
        JsonText.appendString(out, message);
        return out.append('}').toString();
    }

    private static void appendValue(StringBuilder out, Object value) {
        if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Collection<?> items) {
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                JsonText.appendString(out, String.valueOf(item));
            }
            out.append(']');
        } else {
            JsonText.appendString(out, String.valueOf(value));
        }
    }
}

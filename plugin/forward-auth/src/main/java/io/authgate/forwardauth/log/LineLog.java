package io.authgate.forwardauth.log;

import java.nio.file.Path;
import java.time.Instant;

/** {@link AdapterLog} as lines of one {@link LogFormat} through a {@link LineWriter}. */
final class LineLog implements AdapterLog {
    private final LogFormat format;
    private final LineWriter writer;

    LineLog(LogFormat format, LineWriter writer) {
        this.format = format;
        this.writer = writer;
        writer.dropNote(n -> LogLine.warn("log_lines_dropped", n + " log line(s) dropped: stdout did not keep up")
                .with("dropped", n).render(format, Instant.now()));
    }

    void write(LogLine line) {
        writer.write(line.render(format, Instant.now()));
    }

    @Override
    public void configReloaded(Path file, int rules) {
        write(LogLine.info("config_reloaded", "config reloaded from " + file + " (" + rules + " rules)")
                .with("file", file.toString()).with("rules", rules));
    }

    @Override
    public void reloadRefused(Path file, String key, String reason) {
        write(LogLine.warn("config_reload_refused", "config reload refused, the running configuration keeps serving: "
                + file + ": " + key + ": " + reason).with("file", file.toString()).with("key", key).with("reason", reason));
    }
}

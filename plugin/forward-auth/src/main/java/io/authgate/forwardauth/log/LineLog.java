package io.authgate.forwardauth.log;

import io.authgate.core.LogLineQueue;
import io.authgate.core.StateChange;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** {@link AdapterLog} as lines of one {@link LogFormat} through a {@link LogLineQueue}. */
final class LineLog implements AdapterLog {
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(1);

    private final LogFormat format;
    private final LogLineQueue writer;

    LineLog(LogFormat format, LogLineQueue writer) {
        this.format = format;
        this.writer = writer;
        writer.dropNote(n -> LogLine.warn("log_lines_dropped", n + " log line(s) dropped: stdout did not keep up")
                .with("dropped", n).render(format, Instant.now()));
    }

    private void write(LogLine line) {
        writer.write(line.render(format, Instant.now()));
    }

    @Override
    public void started(StartupSummary summary) {
        write(summary.line());
    }

    @Override
    public void stopping() {
        write(LogLine.info("stopping", "forward-auth: draining requests in flight, then stopping"));
    }

    @Override
    public void stopped() {
        write(LogLine.info("stopped", "forward-auth: stopped"));
    }

    @Override
    public void stateChanged(StateChange change) {
        write(StateChangeLines.of(change));
    }

    @Override
    public void configReloaded(Path file, int rules, int previousRules) {
        write(LogLine.info("config_reloaded", "config reloaded from " + file + " (" + rules + " rules, was " + previousRules + ")")
                .with("file", file.toString()).with("rules", rules).with("previous_rules", previousRules));
    }

    @Override
    public void reloadRefused(Path file, String key, String reason) {
        write(LogLine.warn("config_reload_refused", "config reload refused, the running configuration keeps serving: "
                + file + ": " + key + ": " + reason).with("file", file.toString()).with("key", key).with("reason", reason));
    }

    @Override
    public void hangupIgnored() {
        write(LogLine.warn("config_reload_unavailable", "SIGHUP is ignored by this process (started under nohup, or with"
                + " SIGHUP ignored by its parent): a SIGHUP reloads nothing; restart to change the configuration"));
    }

    @Override
    public void note(LogLine line) {
        write(line);
    }

    @Override
    public void acceptFailing(String reason, long retryMillis) {
        String what = reason.contains("Too many open files") ? "out of file descriptors (" + reason + "); raise ulimit -n (see the README)"
                : reason;
        write(LogLine.warn("accept_failing", "cannot accept connections: " + what + "; retrying every " + retryMillis
                + " ms (said at most once a minute, counted in authgate_accept_errors_total)").with("reason", reason));
    }

    @Override
    public DecisionLog decisions(boolean on) {
        return on ? new JsonDecisionLog(writer) : DecisionLog.OFF;
    }

    @Override
    public long droppedLines() {
        return writer.dropped();
    }

    @Override
    public void flush() {
        writer.flush(FLUSH_TIMEOUT);
    }
}

package io.authgate.forwardauth.log;

import io.authgate.core.DecisionRecord;
import io.authgate.core.LogLineQueue;

/** The decision log on: each entry one JSON line through the log's writer (never blocking the event loop). */
final class JsonDecisionLog implements DecisionLog {
    private final LogLineQueue writer;

    JsonDecisionLog(LogLineQueue writer) {
        this.writer = writer;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void record(DecisionRecord entry) {
        writer.write(entry.json());
    }
}

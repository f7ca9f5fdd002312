package io.authgate.forwardauth.log;

import io.authgate.core.DecisionRecord;

/** The decision log on: each entry one JSON line through the log's writer (never blocking the event loop). */
final class JsonDecisionLog implements DecisionLog {
    private final LineWriter writer;

    JsonDecisionLog(LineWriter writer) {
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

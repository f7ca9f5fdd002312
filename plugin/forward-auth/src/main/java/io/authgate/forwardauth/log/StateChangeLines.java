package io.authgate.forwardauth.log;

import io.authgate.core.StateChange;

/** A core {@link StateChange} as a log line: its sentence, and its facts as fields for JSON. */
final class StateChangeLines {
    private StateChangeLines() {
    }

    static LogLine of(StateChange change) {
        LogLine line = new LogLine(change.level() == StateChange.Level.WARN ? LogLine.Level.WARN : LogLine.Level.INFO,
                change.event(), change.message(), java.util.List.of());
        if (change instanceof StateChange.KeysLoaded c) {
            return line.with("jwks_uri", c.source().toString()).with("kids", c.kids()).with("skipped", c.skipped());
        }
        if (change instanceof StateChange.KeysChanged c) {
            return line.with("jwks_uri", c.source().toString()).with("added", c.added()).with("removed", c.removed());
        }
        if (change instanceof StateChange.KeysFailing c) {
            return line.with("jwks_uri", c.source().toString()).with("failure", c.failure().label()).with("reason", c.reason());
        }
        if (change instanceof StateChange.KeysStillFailing c) {
            return line.with("jwks_uri", c.source().toString()).with("failures", c.failures())
                    .with("failing_for_seconds", c.failingFor().toSeconds()).with("failure", c.failure().label()).with("reason", c.reason());
        }
        if (change instanceof StateChange.KeysRecovered c) {
            return line.with("jwks_uri", c.source().toString()).with("failures", c.failures()).with("after_seconds", c.after().toSeconds());
        }
        if (change instanceof StateChange.ResolverFailing c) {
            return line.with("cause", c.cause().label()).with("reason", c.reason());
        }
        if (change instanceof StateChange.ResolverStillFailing c) {
            return line.with("failures", c.failures()).with("failing_for_seconds", c.failingFor().toSeconds())
                    .with("cause", c.cause().label()).with("reason", c.reason());
        }
        if (change instanceof StateChange.ResolverRecovered c) {
            return line.with("failures", c.failures()).with("after_seconds", c.after().toSeconds());
        }
        if (change instanceof StateChange.FeedFailing c) {
            return line.with("failure", c.failure().label()).with("reason", c.reason());
        }
        if (change instanceof StateChange.FeedStillFailing c) {
            return line.with("failures", c.failures()).with("failing_for_seconds", c.failingFor().toSeconds())
                    .with("failure", c.failure().label()).with("reason", c.reason());
        }
        if (change instanceof StateChange.FeedRecovered c) {
            return line.with("failures", c.failures()).with("after_seconds", c.after().toSeconds());
        }
        return line;
    }
}

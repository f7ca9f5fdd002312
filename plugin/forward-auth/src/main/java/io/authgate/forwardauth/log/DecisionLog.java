package io.authgate.forwardauth.log;

import io.authgate.core.DecisionRecord;

/**
 * The opt-in decision log ({@code decision_log: true}): one JSON object per decision. Off, it is
 * {@link #OFF}, and a front asks {@link #enabled()} before it builds an entry, so a decision costs
 * nothing more than that call.
 */
public interface DecisionLog {
    DecisionLog OFF = new DecisionLog() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void record(DecisionRecord entry) {
        }
    };

    boolean enabled();

    void record(DecisionRecord entry);
}

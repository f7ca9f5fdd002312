package io.authgate.core;

/**
 * One thing that can fail and recover (a JWKS source, Authgear's resolver), and what the log has
 * said about it, so that each state change is said once: "failing" on the first failure, then at
 * most one "still failing" per interval with how many more there were, "recovered" on the first
 * success after. A failure within an interval of the last "failing" line after a recovery (a
 * flapping source) is counted, not said again until the interval has passed.
 */
final class Outage {
    /** What to say now. */
    enum Say { NOTHING, FAILING, STILL_FAILING, RECOVERED }

    /** What to say, with the counts it needs. */
    record Verdict(Say say, long failures, long failingForNanos) {
        static final Verdict NOTHING = new Verdict(Say.NOTHING, 0, 0);
    }

    private final long intervalNanos;
    /** Whether the last line said "failing" (read without the lock by the success path). */
    private volatile boolean saidFailing;
    private boolean everSaidFailing;
    private long lastFailingLine;
    private long unreported;
    private long outageFailures;
    private long outageStart;

    Outage(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    synchronized Verdict failed(long now) {
        unreported++;
        boolean quiet = !everSaidFailing || now - lastFailingLine >= intervalNanos;
        if (!saidFailing) {
            if (!quiet) {
                return Verdict.NOTHING;
            }
            saidFailing = true;
            everSaidFailing = true;
            lastFailingLine = now;
            outageStart = now;
            outageFailures = unreported;
            unreported = 0;
            return new Verdict(Say.FAILING, outageFailures, 0);
        }
        outageFailures++;
        if (!quiet) {
            return Verdict.NOTHING;
        }
        lastFailingLine = now;
        long more = unreported;
        unreported = 0;
        return new Verdict(Say.STILL_FAILING, more, now - outageStart);
    }

    /** Cheap when nothing failed: one volatile read. */
    Verdict succeeded(long now) {
        if (!saidFailing) {
            return Verdict.NOTHING;
        }
        synchronized (this) {
            if (!saidFailing) {
                return Verdict.NOTHING;
            }
            saidFailing = false;
            Verdict v = new Verdict(Say.RECOVERED, outageFailures, now - outageStart);
            outageFailures = 0;
            unreported = 0;
            return v;
        }
    }
}

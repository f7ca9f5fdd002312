package io.authgate.core;


import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A change in what the core can reach, worth one log line: keys loaded, their kids changed, a
 * source or Authgear's resolver failing, still failing, recovered. {@link StateChanges} turns the
 * core's events into these, each once; a front writes them (the adapter's log, SLF4J in the
 * runner), so both say the same words. Nothing here carries a credential.
 */
public sealed interface StateChange {

    /** How much it matters: a failure warns, anything else informs. */
    enum Level { INFO, WARN }

    Level level();

    /** A stable snake_case name for log pipelines: {@code jwks_fetch_failing}. */
    String event();

    /** One line for people. */
    String message();

    /** The first signing keys from {@code source}. */
    record KeysLoaded(URI source, List<String> kids, int skipped) implements StateChange {
        public KeysLoaded {
            kids = List.copyOf(kids);
        }

        public Level level() {
            return Level.INFO;
        }

        public String event() {
            return "jwks_loaded";
        }

        public String message() {
            return "signing keys loaded from " + source + ": " + kidCount(kids.size()) + " " + kids
                    + (skipped == 0 ? "" : " (" + skipped + " skipped as unusable)");
        }
    }

    /** A fetch brought other kids than those held: a rotation, a key added or withdrawn. */
    record KeysChanged(URI source, List<String> added, List<String> removed) implements StateChange {
        public KeysChanged {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
        }

        public Level level() {
            return Level.INFO;
        }

        public String event() {
            return "jwks_changed";
        }

        public String message() {
            return "signing keys refreshed from " + source + ": added " + added + ", removed " + removed;
        }
    }

    /** Fetching keys from {@code source} started failing (or failed again after a quiet interval). */
    record KeysFailing(URI source, JwksFailure failure, String reason) implements StateChange {
        public Level level() {
            return Level.WARN;
        }

        public String event() {
            return "jwks_fetch_failing";
        }

        public String message() {
            return "cannot fetch signing keys from " + source + " (" + failure.label() + "): " + reason;
        }
    }

    /** Still failing: {@code failures} more since the last line, the last of them {@code failure}. */
    record KeysStillFailing(URI source, long failures, Duration failingFor, JwksFailure failure, String reason) implements StateChange {
        public Level level() {
            return Level.WARN;
        }

        public String event() {
            return "jwks_fetch_still_failing";
        }

        public String message() {
            return "still cannot fetch signing keys from " + source + ": " + failures + " more failed fetch(es), failing for "
                    + failingFor.toSeconds() + " s; last (" + failure.label() + "): " + reason;
        }
    }

    /** Keys fetched again after {@code failures} failed fetches over {@code after}. */
    record KeysRecovered(URI source, long failures, Duration after) implements StateChange {
        public Level level() {
            return Level.INFO;
        }

        public String event() {
            return "jwks_fetch_recovered";
        }

        public String message() {
            return "signing keys fetched from " + source + " again after " + failures + " failed fetch(es) over "
                    + after.toSeconds() + " s";
        }
    }

    /** Calls to Authgear's resolver started failing. */
    record ResolverFailing(ResolverFailure cause, String reason) implements StateChange {
        public Level level() {
            return Level.WARN;
        }

        public String event() {
            return "resolver_failing";
        }

        public String message() {
            return "Authgear's resolver is failing (" + cause.label() + "): " + reason;
        }
    }

    /** Still failing: {@code failures} more since the last line. */
    record ResolverStillFailing(long failures, Duration failingFor, ResolverFailure cause, String reason)
            implements StateChange {
        public Level level() {
            return Level.WARN;
        }

        public String event() {
            return "resolver_still_failing";
        }

        public String message() {
            return "Authgear's resolver is still failing: " + failures + " more failed call(s), failing for "
                    + failingFor.toSeconds() + " s; last (" + cause.label() + "): " + reason;
        }
    }

    /** Authgear's resolver answered again after {@code failures} failed calls over {@code after}. */
    record ResolverRecovered(long failures, Duration after) implements StateChange {
        public Level level() {
            return Level.INFO;
        }

        public String event() {
            return "resolver_recovered";
        }

        public String message() {
            return "Authgear's resolver answers again after " + failures + " failed call(s) over " + after.toSeconds() + " s";
        }
    }

    /** The revocation feed (Redis) started failing: events from other nodes wait, publishing fails. */
    record FeedFailing(RevocationFeedFailure failure, String reason) implements StateChange {
        public Level level() {
            return Level.WARN;
        }

        public String event() {
            return "revocation_feed_failing";
        }

        public String message() {
            return "the revocation feed (Redis) is failing (" + failure.label() + "): " + reason;
        }
    }

    /** Still failing: {@code failures} more since the last line. */
    record FeedStillFailing(long failures, Duration failingFor, RevocationFeedFailure failure, String reason)
            implements StateChange {
        public Level level() {
            return Level.WARN;
        }

        public String event() {
            return "revocation_feed_still_failing";
        }

        public String message() {
            return "the revocation feed (Redis) is still failing: " + failures + " more failure(s), failing for "
                    + failingFor.toSeconds() + " s; last (" + failure.label() + "): " + reason;
        }
    }

    /** Redis answered again after {@code failures} failures over {@code after}; readers continue from their last id. */
    record FeedRecovered(long failures, Duration after) implements StateChange {
        public Level level() {
            return Level.INFO;
        }

        public String event() {
            return "revocation_feed_recovered";
        }

        public String message() {
            return "the revocation feed (Redis) answers again after " + failures + " failure(s) over " + after.toSeconds() + " s";
        }
    }

    /** Webhook events began to be refused for a reason that is not the sender's fault alone: a secret that differs, a feed that cannot take them. */
    record WebhookFailing(String why) implements StateChange {
        public Level level() {
            return Level.WARN;
        }

        public String event() {
            return "webhook_failing";
        }

        public String message() {
            return "Authgear's webhook events are refused: " + why;
        }
    }

    record WebhookStillFailing(long more, Duration failingFor, String why) implements StateChange {
        public Level level() {
            return Level.WARN;
        }

        public String event() {
            return "webhook_still_failing";
        }

        public String message() {
            return "Authgear's webhook events are still refused: " + more + " more, for " + failingFor.toSeconds() + " s; last: " + why;
        }
    }

    record WebhookRecovered(long failures, Duration after) implements StateChange {
        public Level level() {
            return Level.INFO;
        }

        public String event() {
            return "webhook_recovered";
        }

        public String message() {
            return "Authgear's webhook events are applied again after " + failures + " refused over " + after.toSeconds() + " s";
        }
    }

    private static String kidCount(int n) {
        return n == 1 ? "1 key" : n + " keys";
    }
}

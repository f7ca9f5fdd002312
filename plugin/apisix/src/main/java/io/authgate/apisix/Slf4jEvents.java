package io.authgate.apisix;

import io.authgate.core.StateChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * The core's state changes in the runner's log (its log4j2, through SLF4J, so an APISIX user's
 * logging set-up applies): keys loaded and changed, a JWKS source or Authgear's resolver failing,
 * still failing (at most once per {@link io.authgate.core.StateChanges#REPEAT_INTERVAL}, with how
 * many more failures) and recovered — the same lines the adapter writes. Failures warn.
 */
final class Slf4jEvents implements Consumer<StateChange> {
    private static final Logger LOG = LoggerFactory.getLogger("io.authgate");

    @Override
    public void accept(StateChange change) {
        if (change.level() == StateChange.Level.WARN) {
            LOG.warn("authgate: {}", change.message());
        } else {
            LOG.info("authgate: {}", change.message());
        }
    }
}

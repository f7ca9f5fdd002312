package io.authgate.forwardauth.log;

import io.authgate.core.StateChange;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * State changes seen while the adapter starts (its keys load while the ports are still being bound)
 * are said once it listens, after its start-up line; when it cannot start they are never said, so a
 * port in use is the one line the operator reads. At most {@link #MAX_HELD} are held (one or two per
 * Authgear project in practice); past that they are dropped, a start-up that floods is unusual
 * enough that the failure lines after it say what matters.
 */
public final class HeldUntilListening implements Consumer<StateChange> {
    static final int MAX_HELD = 256;

    private final Consumer<StateChange> next;
    private List<StateChange> held = new ArrayList<>(); // null once released; guarded by this

    public HeldUntilListening(Consumer<StateChange> next) {
        this.next = next;
    }

    @Override
    public void accept(StateChange change) {
        synchronized (this) {
            if (held != null) {
                if (held.size() < MAX_HELD) {
                    held.add(change);
                }
                return;
            }
        }
        next.accept(change);
    }

    /** The adapter listens: say what was held, in order, and everything from now on as it comes. */
    public void release() {
        List<StateChange> out;
        synchronized (this) {
            out = held;
            held = null;
        }
        if (out != null) {
            out.forEach(next);
        }
    }
}

package io.authgate.core.remote;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code maxInFlight} calls at once; up to {@code maxQueued} more wait their turn, in
 * arrival order, each until its deadline. Nothing blocks: a turn runs on whichever thread frees a
 * slot (or submits it, when one is free), and a turn whose deadline passes first is told so from a
 * timer thread. Thread-safe.
 */
final class CallSlots {
    /** What became of a submitted turn. */
    enum Admission {
        /** A slot was free: the turn ran before submit returned. */
        STARTED,
        /** It waits for a slot, or its deadline. */
        QUEUED,
        /** The queue is full: the turn will never run. */
        REFUSED
    }

    /** One call waiting for a slot. Exactly one of {@link #run} and {@link #expired} is called, once. */
    abstract static class Turn {
        private final long deadlineNanos;
        private final AtomicBoolean taken = new AtomicBoolean();
        private volatile ScheduledFuture<?> expiry;

        Turn(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        long deadlineNanos() {
            return deadlineNanos;
        }

        /** A slot is held for this turn: start the call, and {@link CallSlots#release} the slot when it ends. */
        abstract void run();

        /** The deadline passed while waiting; no slot is held. */
        abstract void expired();
    }

    /** Deadlines of waiting turns; a turn that starts in time cancels its own (and the task is removed). */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final int maxInFlight;
    private final int maxQueued;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final ConcurrentLinkedQueue<Turn> waiting = new ConcurrentLinkedQueue<>();
    /** Drains asked for while one runs: the running one goes round again until none is left. */
    private final AtomicInteger drainRequests = new AtomicInteger();

    CallSlots(int maxInFlight, int maxQueued) {
        this.maxInFlight = maxInFlight;
        this.maxQueued = maxQueued;
    }

    Admission submit(Turn turn) {
        if (waiting.isEmpty() && tryAcquire()) {
            turn.taken.set(true);
            turn.run();
            return Admission.STARTED;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            return Admission.REFUSED;
        }
        // The deadline is set before the turn can be found in the queue, so whoever starts it can cancel it.
        turn.expiry = TIMER.schedule(() -> expire(turn), turn.deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        waiting.add(turn);
        // A slot freed between the check above and the add would otherwise wait for the next release.
        drain();
        return Admission.QUEUED;
    }

    /** A call has ended: its slot goes to the next waiting turn. */
    void release() {
        inFlight.decrementAndGet();
        drain();
    }

    int inFlight() {
        return inFlight.get();
    }

    int queued() {
        return queued.get();
    }

    /**
     * Hands free slots to waiting turns. One thread at a time works the queue, in a loop: a turn whose
     * call ends before {@code run} returns releases its slot from inside this loop, which then only
     * asks for another round ({@link #drainRequests}) instead of recursing, however long the queue.
     */
    private void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return;
        }
        int requests = 1;
        do {
            while (!waiting.isEmpty() && tryAcquire()) {
                Turn next = waiting.poll();
                if (next == null) {
                    inFlight.decrementAndGet();
                    continue;
                }
                queued.decrementAndGet();
                if (!next.taken.compareAndSet(false, true)) {
                    inFlight.decrementAndGet(); // its deadline passed first
                    continue;
                }
                next.expiry.cancel(false);
                next.run();
            }
            requests = drainRequests.addAndGet(-requests);
        } while (requests != 0);
    }

    private void expire(Turn turn) {
        if (turn.taken.compareAndSet(false, true)) {
            if (waiting.remove(turn)) {
                queued.decrementAndGet();
            }
            turn.expired();
        }
    }

    private boolean tryAcquire() {
        for (int n = inFlight.get(); n < maxInFlight; n = inFlight.get()) {
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "authgate-resolver-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}

package io.authgate.core.remote;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The call slots and their queue: the bounds, the order, the deadlines, and no slot ever lost. */
class CallSlotsTest {
    private static final long FAR = TimeUnit.SECONDS.toNanos(30);

    /** A turn that records what became of it and, when run, holds its slot until told to end. */
    private static final class Probe extends CallSlots.Turn {
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        final CompletableFuture<Void> end = new CompletableFuture<>();
        private final CallSlots slots;

        Probe(CallSlots slots, long deadlineNanos) {
            super(deadlineNanos);
            this.slots = slots;
        }

        @Override
        void run() {
            if (!outcome.complete("ran")) {
                outcome.complete("twice");
            }
            end.thenRun(slots::release);
        }

        @Override
        void expired() {
            if (!outcome.complete("expired")) {
                outcome.obtrudeValue("both");
            }
        }
    }

    @Test
    void aFreeSlotRunsTheTurnAtOnce() {
        CallSlots slots = new CallSlots(1, 1);
        Probe p = new Probe(slots, System.nanoTime() + FAR);

        assertThat(slots.submit(p)).isEqualTo(CallSlots.Admission.STARTED);
        assertThat(p.outcome).isCompletedWithValue("ran");
        assertThat(slots.inFlight()).isEqualTo(1);
    }

    @Test
    void pastTheSlotsTurnsWaitInOrderAndRunAsSlotsFree() {
        CallSlots slots = new CallSlots(1, 2);
        Probe first = new Probe(slots, System.nanoTime() + FAR);
        Probe second = new Probe(slots, System.nanoTime() + FAR);
        Probe third = new Probe(slots, System.nanoTime() + FAR);
        slots.submit(first);

        assertThat(slots.submit(second)).isEqualTo(CallSlots.Admission.QUEUED);
        assertThat(slots.submit(third)).isEqualTo(CallSlots.Admission.QUEUED);
        assertThat(slots.queued()).isEqualTo(2);
        assertThat(second.outcome).isNotDone();

        first.end.complete(null);
        assertThat(second.outcome).isCompletedWithValue("ran");
        assertThat(third.outcome).isNotDone();
        second.end.complete(null);
        assertThat(third.outcome).isCompletedWithValue("ran");
        third.end.complete(null);
        assertThat(slots.inFlight()).isZero();
        assertThat(slots.queued()).isZero();
    }

    @Test
    void pastTheQueueATurnIsRefusedAndNeverRuns() {
        CallSlots slots = new CallSlots(1, 1);
        slots.submit(new Probe(slots, System.nanoTime() + FAR));
        slots.submit(new Probe(slots, System.nanoTime() + FAR));
        Probe refused = new Probe(slots, System.nanoTime() + FAR);

        assertThat(slots.submit(refused)).isEqualTo(CallSlots.Admission.REFUSED);
        assertThat(slots.queued()).isEqualTo(1);
        assertThat(refused.outcome).isNotDone();
    }

    @Test
    void aWaitingTurnExpiresAtItsDeadlineAndGivesUpItsPlace() throws Exception {
        CallSlots slots = new CallSlots(1, 1);
        Probe holder = new Probe(slots, System.nanoTime() + FAR);
        slots.submit(holder);
        long start = System.nanoTime();
        Probe late = new Probe(slots, start + TimeUnit.MILLISECONDS.toNanos(200));
        slots.submit(late);

        assertThat(late.outcome.get(5, TimeUnit.SECONDS)).isEqualTo("expired");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofMillis(2000));
        assertThat(slots.queued()).isZero();
        Probe next = new Probe(slots, System.nanoTime() + FAR);
        assertThat(slots.submit(next)).as("the expired turn's place is free").isEqualTo(CallSlots.Admission.QUEUED);
        holder.end.complete(null);
        assertThat(next.outcome).isCompletedWithValue("ran");
        assertThat(late.outcome).isCompletedWithValue("expired");
    }

    @Test
    void turnsThatEndAsSoonAsTheyRunDoNotNestOnTheStack() {
        // A call can end before it returns (a credential no header can carry answers at once): its
        // slot is then released, and the next turn run, from inside the previous turn's run. A long
        // queue of those must be worked through in a loop, not by recursion.
        CallSlots slots = new CallSlots(1, 100_000);
        Probe holder = new Probe(slots, System.nanoTime() + FAR);
        slots.submit(holder);
        AtomicInteger ran = new AtomicInteger();
        int queued = 50_000;
        for (int i = 0; i < queued; i++) {
            slots.submit(new CallSlots.Turn(System.nanoTime() + FAR) {
                @Override
                void run() {
                    ran.incrementAndGet();
                    slots.release();
                }

                @Override
                void expired() {
                }
            });
        }

        holder.end.complete(null);

        assertThat(ran.get()).isEqualTo(queued);
        assertThat(slots.inFlight()).isZero();
        assertThat(slots.queued()).isZero();
    }

    @Test
    void underContentionEveryTurnRunsOrExpiresOnceAndNoSlotIsLost() throws Exception {
        int maxInFlight = 4;
        CallSlots slots = new CallSlots(maxInFlight, 100_000);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        int threads = 8;
        int perThread = 2_500;
        List<CompletableFuture<String>> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    // Some deadlines pass while waiting, most do not.
                    long deadline = System.nanoTime() + (i % 10 == 0 ? TimeUnit.MICROSECONDS.toNanos(50) : FAR);
                    CompletableFuture<String> outcome = new CompletableFuture<>();
                    outcomes.add(outcome);
                    slots.submit(new CallSlots.Turn(deadline) {
                        @Override
                        void run() {
                            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                            outcome.complete("ran");
                            // End asynchronously, as a call does.
                            CompletableFuture.runAsync(() -> {
                                running.decrementAndGet();
                                slots.release();
                            });
                        }

                        @Override
                        void expired() {
                            outcome.complete("expired");
                        }
                    });
                }
            });
            submitters.add(thread);
            thread.start();
        }
        go.countDown();
        for (Thread t : submitters) {
            t.join();
        }

        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(outcomes).hasSize(threads * perThread);
        assertThat(mostAtOnce.get()).as("never more than max_concurrent_calls at once").isLessThanOrEqualTo(maxInFlight);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((slots.inFlight() != 0 || slots.queued() != 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(slots.inFlight()).as("every slot released").isZero();
        assertThat(slots.queued()).isZero();
    }
}

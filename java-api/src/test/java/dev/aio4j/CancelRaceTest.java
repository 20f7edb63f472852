package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@code whenComplete} cleanup (the Java body's {@code finally}) runs exactly once even when two
 * cancellations of one chain race on two threads: one cancels the work above, the other the
 * cleanup's own stage (a deadline and a cancel at once, a task group and its child). The README
 * promises it ("a finally is never skipped by a race").
 */
@Timeout(120)
class CancelRaceTest {
    @Test
    void theCleanupRunsWhenItsStageIsCancelledWhileTheWorkAboveIsBeingCancelled() throws Exception {
        Task<Void> work = Loop.shared().task(() -> Async.sleep(Duration.ofHours(1)));
        CompletableFuture<Void> step = work.thenApply(v -> v);
        AtomicInteger released = new AtomicInteger();
        // hold the work's cancellation on its way down, right before the cleanup's turn: a callback registered
        // before and one after the cleanup's stage, so one of them runs first whatever order the JDK uses
        AtomicBoolean first = new AtomicBoolean();
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Runnable hold = () -> step.whenComplete((v, e) -> {
            if (first.compareAndSet(false, true)) {
                reached.countDown();
                await(release);
            }
        });
        hold.run();
        CompletableFuture<Void> cleanup = step.whenComplete((v, e) -> released.incrementAndGet());
        hold.run();

        Thread canceller = new Thread(() -> work.cancel(true), "canceller");
        canceller.start();
        assertTrue(reached.await(10, TimeUnit.SECONDS));
        assertFalse(cleanup.isDone(), "the cleanup has not run yet");
        boolean cancelled = cleanup.cancel(true); // the second cancellation, while the first is on its way down
        release.countDown();
        canceller.join(10_000);

        assertEquals(1, released.get(), "the cleanup ran");
        assertFalse(cancelled, "too late to cancel: the stage completes as the work did");
        assertTrue(cleanup.isCompletedExceptionally());
        assertTrue(work.isCancelled());
    }

    @Test
    void twoCancelsOfOneChainOnTwoThreadsNeverSkipTheCleanup() throws Exception {
        int rounds = 5_000 * StressSupport.SCALE;
        AtomicInteger released = new AtomicInteger();
        List<CompletableFuture<Void>> cleanups = new ArrayList<>(rounds);
        CyclicBarrier both = new CyclicBarrier(2);
        for (int i = 0; i < rounds; i++) {
            Task<Void> work = Loop.shared().task(() -> Async.sleep(Duration.ofHours(1)));
            CompletableFuture<Void> cleanup = work.thenApply(v -> v).whenComplete((v, e) -> released.incrementAndGet());
            cleanups.add(cleanup);
            Thread other = new Thread(() -> {
                await(both);
                work.cancel(true);
            });
            other.start();
            await(both);
            cleanup.cancel(true);
            other.join(10_000);
        }
        for (CompletableFuture<Void> c : cleanups) Support.awaitTrue(c::isDone);
        assertEquals(rounds, released.get(), "every cleanup ran once");
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

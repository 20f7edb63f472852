package dev.aio4j;

import static dev.aio4j.StressSupport.SCALE;
import static dev.aio4j.SyncTesting.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of permit users on two loops, the shared loop and plain threads, with random
 * cancellation from two threads: never more holders than permits, every permit back at the end
 * (a bounded semaphore would throw on one released twice), no waiter left.
 */
@Timeout(60)
class SemaphoreStressTest {

    @Test
    void permitsAreConservedUnderRandomCancellation() throws Exception {
        int permits = 5;
        int users = 4_000 * SCALE;
        AsyncSemaphore sem = AsyncSemaphore.bounded(permits);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        List<CompletableFuture<?>> all = new ArrayList<>();
        try (Loop a = Loop.create("sem-a"); Loop b = Loop.create("sem-b");
                StressSupport.Cancellers cancellers = new StressSupport.Cancellers(2, 0.3)) {
            Loop[] loops = {a, b, Loop.shared()};
            for (int i = 0; i < users; i++) {
                if (i % 4 == 3) {
                    CompletableFuture<Void> f = sem.acquire();
                    all.add(f.thenRun(() -> {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        inside.decrementAndGet();
                        sem.release();
                    }));
                    cancellers.add(f);
                } else {
                    Duration pause = i % 7 == 0 ? Duration.ofMillis(1) : Duration.ZERO;
                    Task<Void> t = loops[i % 3].task(() -> sem.withPermit(() -> {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        return Async.sleep(pause)
                                .whenComplete((v, e) -> inside.decrementAndGet());
                    }));
                    all.add(t);
                    cancellers.add(t);
                }
            }
            LockStressTest.settle(all);
            waitUntil(() -> sem.availablePermits() == permits);
        }
        assertTrue(maxInside.get() <= permits, "holders at once: " + maxInside.get());
        assertEquals(permits, sem.availablePermits());
        assertEquals(0, sem.core.waiterCount());
    }

    @Test
    void rawWaitersFromSeveralThreadsEitherGetAPermitOrAreWithdrawn() throws Exception {
        int rounds = 20_000 * SCALE;
        AsyncSemaphore sem = new AsyncSemaphore(0);
        List<CompletableFuture<Void>> waiters = new ArrayList<>(rounds);
        for (int i = 0; i < rounds; i++) waiters.add(sem.acquire());
        Thread[] releasers = new Thread[2];
        AtomicInteger released = new AtomicInteger();
        try (StressSupport.Cancellers cancellers = new StressSupport.Cancellers(2, 0.5)) {
            for (CompletableFuture<Void> w : waiters) cancellers.add(w);
            for (int t = 0; t < releasers.length; t++) {
                releasers[t] = new Thread(() -> {
                    while (released.incrementAndGet() <= rounds / 2) sem.release();
                });
                releasers[t].start();
            }
            for (Thread t : releasers) t.join();
        }
        int granted = 0;
        int cancelled = 0;
        for (CompletableFuture<Void> w : waiters) {
            if (w.isCancelled()) cancelled++;
            else if (w.isDone()) granted++;
        }
        // every released permit is held by a granted waiter or still counted
        assertEquals(rounds / 2, granted + sem.availablePermits(),
                "granted " + granted + ", cancelled " + cancelled + ", " + sem);
        assertTrue(cancelled > 0);
        if (sem.availablePermits() > 0) assertEquals(0, sem.core.waiterCount());
        for (CompletableFuture<Void> w : waiters) w.cancel(true);
        assertEquals(0, sem.core.waiterCount());
    }
}

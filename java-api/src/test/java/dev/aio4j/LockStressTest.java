package dev.aio4j;

import static dev.aio4j.StressSupport.SCALE;
import static dev.aio4j.SyncTesting.await;
import static dev.aio4j.SyncTesting.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of lock users on two loops, the shared loop and plain threads, with random
 * cancellation from two threads: mutual exclusion holds, nothing is lost, the lock ends unlocked
 * with no waiter left; on one loop, holders follow arrival order.
 */
@Timeout(60)
class LockStressTest {

    @Test
    void mutualExclusionAndNoLostLockUnderRandomCancellation() throws Exception {
        int users = 3_000 * SCALE;
        AsyncLock lock = new AsyncLock();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger bodies = new AtomicInteger();
        List<CompletableFuture<?>> all = new ArrayList<>();
        try (Loop a = Loop.create("lock-a"); Loop b = Loop.create("lock-b");
                StressSupport.Cancellers cancellers = new StressSupport.Cancellers(2, 0.3)) {
            Loop[] loops = {a, b, Loop.shared()};
            for (int i = 0; i < users; i++) {
                if (i % 4 == 3) { // a plain-thread user: acquire, then release in the continuation
                    CompletableFuture<Void> f = lock.acquire();
                    all.add(f.thenRun(() -> {
                        if (inside.incrementAndGet() != 1) violations.incrementAndGet();
                        bodies.incrementAndGet();
                        inside.decrementAndGet();
                        lock.release();
                    }));
                    cancellers.add(f);
                } else {
                    Task<Void> t = loops[i % 3].task(() -> lock.withLock(() -> {
                        if (inside.incrementAndGet() != 1) violations.incrementAndGet();
                        bodies.incrementAndGet();
                        return Async.sleep(Duration.ZERO).whenComplete((v, e) -> inside.decrementAndGet());
                    }));
                    all.add(t);
                    cancellers.add(t);
                }
            }
            settle(all);
            waitUntil(() -> !lock.isLocked()); // a cancelled body may still be unwinding
        }
        assertEquals(0, violations.get(), "two holders at once");
        assertFalse(lock.isLocked());
        assertEquals(0, lock.core.waiterCount(), "withdrawn waiters left entries behind");
        assertTrue(bodies.get() > 0 && bodies.get() <= users, "bodies run: " + bodies.get());
    }

    @Test
    void holdersOnOneLoopFollowArrivalOrderWhateverIsCancelled() throws Exception {
        int users = 5_000 * SCALE;
        AsyncLock lock = new AsyncLock();
        ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> all = new ArrayList<>();
        try (Loop loop = Loop.create("fifo"); StressSupport.Cancellers cancellers = new StressSupport.Cancellers(2, 0.3)) {
            // all waiters queue up on the loop before the first release
            await(loop.task(() -> {
                lock.acquire();
                for (int i = 0; i < users; i++) {
                    int k = i;
                    CompletableFuture<Void> f = lock.acquire();
                    all.add(f.thenRun(() -> {
                        order.add(k);
                        lock.release();
                    }));
                }
                return CompletableFuture.completedFuture(null);
            }));
            for (CompletableFuture<?> f : new ArrayList<>(all)) cancellers.add(f);
            loop.execute(lock::release);
            settle(all);
        }
        int prev = -1;
        for (int k : order) {
            assertTrue(k > prev, "holder " + k + " came after " + prev);
            prev = k;
        }
        assertFalse(lock.isLocked());
        assertEquals(0, lock.core.waiterCount());
    }

    /** Waits until every future is done; each must have succeeded or been cancelled. Returns how many were cancelled. */
    static int settle(List<CompletableFuture<?>> all) {
        int cancelled = 0;
        for (CompletableFuture<?> f : all) {
            try {
                await(f);
            } catch (CancellationException e) {
                cancelled++;
            } catch (java.util.concurrent.CompletionException e) {
                if (!(e.getCause() instanceof CancellationException)) throw e;
                cancelled++;
            }
        }
        assertTrue(cancelled > 0 && cancelled < all.size(), "cancelled " + cancelled + " of " + all.size());
        return cancelled;
    }
}

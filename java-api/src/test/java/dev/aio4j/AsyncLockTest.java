package dev.aio4j;

import static dev.aio4j.SyncTesting.assertPending;
import static dev.aio4j.SyncTesting.await;
import static dev.aio4j.SyncTesting.failure;
import static dev.aio4j.SyncTesting.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AsyncLockTest {

    @Test
    void acquireOfAFreeLockCompletesAtOnceAndLocksIt() {
        AsyncLock lock = new AsyncLock();
        assertFalse(lock.isLocked());
        CompletableFuture<Void> f = lock.acquire();
        assertTrue(f.isDone());
        assertTrue(lock.isLocked());
        lock.release();
        assertFalse(lock.isLocked());
    }

    @Test
    void tryAcquireTakesAFreeLockOnlyAndNeverWaits() {
        AsyncLock lock = new AsyncLock();
        assertTrue(lock.tryAcquire());
        assertFalse(lock.tryAcquire());
        lock.release();
        assertTrue(lock.tryAcquire());
        lock.release();
    }

    @Test
    void releasingAnUnlockedLockIsRefused() {
        AsyncLock lock = new AsyncLock();
        IllegalStateException e = assertThrows(IllegalStateException.class, lock::release);
        assertTrue(e.getMessage().contains("not locked"), e.getMessage());
        lock.acquire();
        lock.release();
        assertThrows(IllegalStateException.class, lock::release);
    }

    @Test
    void waitersGetTheLockInArrivalOrder() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        List<Integer> order = new ArrayList<>();
        List<CompletableFuture<Void>> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int k = i;
            CompletableFuture<Void> w = lock.acquire();
            w.thenRun(() -> order.add(k));
            waiters.add(w);
        }
        for (CompletableFuture<Void> w : waiters) assertPending(w);
        for (int i = 0; i < 5; i++) {
            lock.release();
            assertEquals(i + 1, order.size());
            assertTrue(lock.isLocked());
        }
        assertEquals(List.of(0, 1, 2, 3, 4), order);
        lock.release();
        assertFalse(lock.isLocked());
    }

    @Test
    void tryAcquireNeverOvertakesAWaiter() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        CompletableFuture<Void> w = lock.acquire();
        lock.release(); // handed to w
        assertTrue(w.isDone());
        assertFalse(lock.tryAcquire());
        assertTrue(lock.isLocked());
        lock.release();
    }

    @Test
    void cancellingAWaiterWithdrawsItAndLeavesNoEntry() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        CompletableFuture<Void> a = lock.acquire();
        CompletableFuture<Void> b = lock.acquire();
        assertEquals(2, lock.core.waiterCount());
        assertTrue(a.cancel(true));
        assertTrue(a.isCancelled());
        assertEquals(1, lock.core.waiterCount());
        lock.release();
        assertTrue(b.isDone() && !b.isCompletedExceptionally());
        lock.release();
        assertFalse(lock.isLocked());
        assertEquals(0, lock.core.waiterCount());
        assertTrue(a.cancel(true), "as the JDK's: cancel() of a cancelled future answers true");
        assertFalse(b.cancel(true), "cancelling a completed acquire does nothing");
        assertFalse(b.isCancelled());
    }

    @Test
    void cancellingTheOnlyWaiterThenReleasingUnlocks() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        CompletableFuture<Void> a = lock.acquire();
        a.cancel(false);
        lock.release();
        assertFalse(lock.isLocked());
    }

    @Test
    void cancellingADerivedStageWithdrawsTheWaiter() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Void> chain = lock.acquire().thenRun(() -> ran.set(true)).thenApply(v -> v);
        assertTrue(chain.cancel(true));
        assertEquals(0, lock.core.waiterCount());
        lock.release();
        assertFalse(lock.isLocked(), "the lock must not go to the cancelled chain");
        assertFalse(ran.get());
    }

    @Test
    void orTimeoutWithdrawsTheWaiter() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        CompletableFuture<Void> w = lock.acquire().orTimeout(20, TimeUnit.MILLISECONDS);
        assertInstanceOf(TimeoutException.class, failure(w));
        assertEquals(0, lock.core.waiterCount());
        lock.release();
        assertFalse(lock.isLocked());
    }

    @Test
    void aTimeoutOnADerivedStageWithdrawsTheWaiter() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Void> chain = lock.acquire().thenRun(() -> ran.set(true)).orTimeout(10, TimeUnit.MILLISECONDS);
        assertInstanceOf(TimeoutException.class, failure(chain));
        assertEquals(0, lock.core.waiterCount());
        lock.release();
        assertFalse(lock.isLocked(), "the lock went to the waiter of a chain that timed out");
        assertFalse(ran.get());
    }

    @Test
    void waitForOnAnAcquireCancelsTheWaiterOnTimeout() throws Exception {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        Task<Void> t = Async.waitFor(lock.acquire(), Duration.ofMillis(20));
        assertInstanceOf(TimeoutException.class, failure(t));
        assertEquals(0, lock.core.waiterCount());
        lock.release();
        assertFalse(lock.isLocked());
    }

    @Test
    void theFutureIsCompletedOnlyByTheLock() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        CompletableFuture<Void> w = lock.acquire();
        assertThrows(UnsupportedOperationException.class, () -> w.complete(null));
        assertThrows(UnsupportedOperationException.class, () -> w.obtrudeValue(null));
        assertThrows(UnsupportedOperationException.class, () -> w.obtrudeException(new RuntimeException()));
        assertThrows(UnsupportedOperationException.class, () -> w.completeAsync(() -> null));
        assertThrows(UnsupportedOperationException.class, () -> w.completeOnTimeout(null, 1, TimeUnit.SECONDS));
        assertPending(w);
        lock.release();
        assertTrue(w.isDone());
        lock.release();
    }

    @Test
    void theSharedCompletedFutureCannotBeBroken() {
        AsyncLock lock = new AsyncLock();
        CompletableFuture<Void> f = lock.acquire();
        assertFalse(f.cancel(true));
        assertFalse(f.completeExceptionally(new RuntimeException()));
        assertThrows(UnsupportedOperationException.class, () -> f.obtrudeException(new RuntimeException()));
        assertThrows(UnsupportedOperationException.class, () -> f.obtrudeValue(null));
        lock.release();
        CompletableFuture<Void> g = lock.acquire();
        assertTrue(g.isDone() && !g.isCompletedExceptionally());
        lock.release();
    }

    @Test
    void copyOfAWaiterCancelsLocally() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        CompletableFuture<Void> w = lock.acquire();
        CompletableFuture<Void> copy = w.copy();
        copy.cancel(true);
        assertPending(w);
        lock.release();
        assertTrue(w.isDone());
        lock.release();
    }

    @Test
    void theWaitersContinuationRunsOnItsOwnLoopAfterTheReleaserStep() throws Exception {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        try (Loop loop = Loop.create("lock-waiter")) {
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            AtomicReference<Loop> current = new AtomicReference<>();
            Task<Void> t = loop.task(() -> lock.acquire().thenRun(() -> {
                ranOn.set(Thread.currentThread());
                current.set(Loop.current().orElse(null));
                lock.release();
            }));
            while (lock.core.waiterCount() == 0) Thread.onSpinWait(); // the task queued its waiter
            lock.release(); // from the test thread
            await(t);
            assertEquals("aio4j-loop-lock-waiter", ranOn.get().getName());
            assertSame(loop, current.get());
        }
        assertFalse(lock.isLocked());
    }

    @Test
    void releaseDoesNotRunTheNextWaitersCodeInsideTheReleasersStep() throws Exception {
        List<String> steps = Loop.run(() -> {
            AsyncLock lock = new AsyncLock();
            List<String> log = new ArrayList<>();
            lock.acquire();
            Task<Void> waiter = Async.task(() -> lock.acquire().thenRun(() -> {
                log.add("waiter has the lock");
                lock.release();
            }));
            return Async.sleep(Duration.ZERO).thenCompose(v -> {
                log.add("releasing");
                lock.release();
                log.add("released");
                return waiter;
            }).thenApply(v -> log);
        });
        assertEquals(List.of("releasing", "released", "waiter has the lock"), steps);
    }

    @Test
    void joiningAPendingWaiterOnItsOwnLoopThreadIsRefused() throws Exception {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        String msg = Loop.run(() -> {
            CompletableFuture<Void> w = lock.acquire();
            try {
                w.join();
                return CompletableFuture.completedFuture("joined");
            } catch (IllegalStateException e) {
                w.cancel(true);
                return CompletableFuture.completedFuture(e.getMessage());
            }
        });
        assertTrue(msg.contains("deadlock"), msg);
        lock.release();
    }

    @Test
    void aWaiterWhoseLoopClosedStillReceivesTheLock() throws Exception {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AtomicReference<CompletableFuture<Void>> waiter = new AtomicReference<>();
        Loop loop = Loop.create("closing");
        await(loop.task(() -> {
            waiter.set(lock.acquire()); // not awaited by the task: it outlives the loop
            return CompletableFuture.completedFuture(null);
        }));
        loop.close();
        lock.release(); // the waiter's loop has stopped: the hand-over must not be dropped
        assertTrue(waiter.get().isDone(), "the lock was lost with the stopped loop");
        assertTrue(lock.isLocked());
        lock.release();
        assertFalse(lock.isLocked());
    }

    @Test
    void withLockRunsTheBodyHoldingTheLockAndReleasesAfter() throws Exception {
        AsyncLock lock = new AsyncLock();
        int v = Loop.run(() -> lock.withLock(() -> {
            assertTrue(lock.isLocked());
            return Async.sleep(Duration.ofMillis(5), 42);
        }));
        assertEquals(42, v);
        assertFalse(lock.isLocked());
    }

    @Test
    void withLockReleasesWhenTheBodyFailsOrThrows() throws Exception {
        AsyncLock lock = new AsyncLock();
        Task<Object> failing = lock.withLock(() -> CompletableFuture.failedFuture(new IllegalArgumentException("boom")));
        assertInstanceOf(IllegalArgumentException.class, failure(failing));
        assertFalse(lock.isLocked());
        Task<Object> throwing = lock.withLock(() -> {
            throw new java.io.IOException("thrown");
        });
        assertInstanceOf(java.io.IOException.class, failure(throwing));
        assertFalse(lock.isLocked());
        Task<Object> nullStage = lock.withLock(() -> null);
        assertInstanceOf(NullPointerException.class, failure(nullStage));
        assertFalse(lock.isLocked());
    }

    @Test
    void withLockSerialisesBodies() throws Exception {
        AsyncLock lock = new AsyncLock();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        Loop.run(() -> {
            List<Task<Void>> ts = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ts.add(lock.withLock(() -> {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    return Async.sleep(Duration.ZERO).whenComplete((v, e) -> inside.decrementAndGet());
                }));
            }
            return Async.gather(ts);
        });
        assertEquals(1, maxInside.get());
        assertFalse(lock.isLocked());
    }

    @Test
    void cancellingWithLockWhileItWaitsReleasesNothing() {
        AsyncLock lock = new AsyncLock();
        lock.acquire(); // held by the test
        AtomicBoolean ran = new AtomicBoolean();
        Task<String> t = lock.withLock(() -> {
            ran.set(true);
            return CompletableFuture.completedFuture("ran");
        });
        while (lock.core.waiterCount() == 0 && !t.isDone()) Thread.onSpinWait();
        t.cancel();
        assertInstanceOf(CancellationException.class, failure(t));
        waitUntil(() -> lock.core.waiterCount() == 0);
        assertTrue(lock.isLocked(), "the test's hold must not be released by the cancelled task");
        lock.release();
        assertFalse(lock.isLocked());
        assertFalse(ran.get());
    }

    @Test
    void cancellingWithLockWhileTheBodyRunsReleasesWhenTheBodysStageEnds() throws Exception {
        AsyncLock lock = new AsyncLock();
        CountDownLatch inBody = new CountDownLatch(1);
        CompletableFuture<String> bodyStage = new CompletableFuture<>();
        Task<String> t = lock.withLock(() -> {
            inBody.countDown();
            return bodyStage;
        });
        assertTrue(inBody.await(5, TimeUnit.SECONDS));
        t.cancel();
        waitUntil(bodyStage::isCancelled); // the body's stage was cancelled
        waitUntil(() -> !lock.isLocked()); // and then the lock released
    }

    @Test
    void aReleaseCascadeThroughTenThousandWaitersDoesNotOverflowTheStack() throws Exception {
        // outside any loop: trampolined on the releasing thread
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AtomicInteger got = new AtomicInteger();
        for (int i = 0; i < 10_000; i++) lock.acquire().thenRun(() -> {
            got.incrementAndGet();
            lock.release();
        });
        lock.release();
        assertEquals(10_000, got.get());
        assertFalse(lock.isLocked());
        // on a loop: each hand-over is a loop step
        int n = Loop.run(() -> {
            AsyncLock l = new AsyncLock();
            l.acquire();
            AtomicInteger k = new AtomicInteger();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) all.add(l.acquire().thenRun(() -> {
                k.incrementAndGet();
                l.release();
            }));
            l.release();
            return Async.gather(all).thenApply(v -> k.get());
        });
        assertEquals(10_000, n);
    }

    @Test
    void aHundredThousandWaitersCostMemoryOnlyAndLeaveNothingWhenCancelled() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        List<CompletableFuture<Void>> ws = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) ws.add(lock.acquire());
        assertEquals(100_000, lock.core.waiterCount());
        for (int i = 0; i < ws.size(); i += 2) ws.get(i).cancel(true);
        assertEquals(50_000, lock.core.waiterCount());
        for (int i = 1; i < ws.size(); i += 2) ws.get(i).cancel(true);
        assertEquals(0, lock.core.waiterCount());
        lock.release();
        assertFalse(lock.isLocked());
    }

    @Test
    void cancellationRacingAReleaseNeverLosesTheLock() {
        AsyncLock lock = new AsyncLock();
        try (SyncTesting.Racer racer = new SyncTesting.Racer()) {
            int cancelledWon = 0;
            for (int i = 0; i < SyncTesting.RACE_ROUNDS; i++) {
                lock.acquire();
                CompletableFuture<Void> first = lock.acquire();
                CompletableFuture<Void> second = lock.acquire();
                racer.race(lock::release, () -> first.cancel(true));
                if (first.isCancelled()) {
                    cancelledWon++;
                    assertTrue(second.isDone() && !second.isCompletedExceptionally(),
                            "round " + i + ": the lock handed to a cancelled waiter was lost: " + lock);
                } else {
                    assertTrue(first.isDone() && !first.isCompletedExceptionally());
                    assertPending(second);
                    lock.release(); // first's turn ends, second gets it
                    assertTrue(second.isDone());
                }
                lock.release(); // second's turn ends
                assertFalse(lock.isLocked(), "round " + i + ": " + lock);
                assertEquals(0, lock.core.waiterCount());
            }
            assertTrue(cancelledWon > 0, "the race never let the cancellation win");
        }
    }

    @Test
    void aLockHandedToAWaiterCancelledBeforeItsLoopRunsPassesToTheNextWaiter() throws Exception {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        try (Loop loop = Loop.create("busy")) {
            CompletableFuture<Void> first = SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(lock.acquire()));
            CompletableFuture<Void> second = lock.acquire(); // outside any loop
            CompletableFuture<Void> holding = new CompletableFuture<>();
            CompletableFuture<Void> hold = new CompletableFuture<>();
            loop.execute(() -> {
                holding.complete(null);
                hold.join(); // first's delivery queues behind this step
            });
            await(holding);
            lock.release(); // the lock now belongs to first, on its way
            assertPending(second);
            assertTrue(first.cancel(true)); // cancelled while the lock travels
            hold.complete(null);
            await(second); // the delivery found first cancelled and passed the lock on
            assertTrue(first.isCancelled());
            lock.release();
            assertFalse(lock.isLocked());
        }
    }

    @Test
    void aStrayReleaseWhileTheLockTravelsToAWaiterThatIsThenCancelledDoesNotReleaseTwice() throws Exception {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        try (Loop loop = Loop.create("travel")) {
            CompletableFuture<Void> w = SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(lock.acquire()));
            CompletableFuture<Void> holding = new CompletableFuture<>();
            CompletableFuture<Void> hold = new CompletableFuture<>();
            loop.execute(() -> {
                holding.complete(null);
                hold.join();
            });
            await(holding);
            lock.release(); // handed to w, on its way
            lock.release(); // a release by code that does not hold it: the lock is locked, so it is allowed
            assertTrue(lock.tryAcquire(), "someone else takes the free lock");
            assertTrue(w.cancel(true));
            hold.complete(null);
            SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(null)); // w's delivery has run
            assertTrue(lock.isLocked(), "the cancelled waiter's give-back released the new holder's lock");
            lock.release();
            assertFalse(lock.isLocked());
        }
    }

    @Test
    void cancellationRacingAReleaseToAWaiterOnALoopNeverLosesTheLock() throws Exception {
        AsyncLock lock = new AsyncLock();
        try (Loop loop = Loop.create("lock-racer"); SyncTesting.Racer racer = new SyncTesting.Racer()) {
            for (int i = 0; i < SyncTesting.RACE_ROUNDS / 2; i++) {
                lock.acquire();
                CompletableFuture<Void> w = SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(lock.acquire()));
                racer.race(lock::release, () -> w.cancel(true));
                SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(null)); // the hand-over has landed
                if (w.isCancelled()) {
                    assertFalse(lock.isLocked(), "round " + i + ": the lock went to a cancelled waiter");
                } else {
                    assertTrue(w.isDone() && lock.isLocked());
                    lock.release();
                }
                assertEquals(0, lock.core.waiterCount());
            }
        }
    }

    @Test
    void toStringShowsTheState() {
        AsyncLock lock = new AsyncLock();
        assertEquals("AsyncLock[unlocked, waiters=0]", lock.toString());
        lock.acquire();
        lock.acquire();
        lock.acquire();
        assertEquals("AsyncLock[locked, waiters=2]", lock.toString());
        assertTrue(lock.acquire().toString().startsWith("AsyncLock.acquire()[pending"), lock.acquire().toString());
    }
}

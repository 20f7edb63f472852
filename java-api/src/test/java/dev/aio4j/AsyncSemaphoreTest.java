package dev.aio4j;

import static dev.aio4j.SyncTesting.assertPending;
import static dev.aio4j.SyncTesting.await;
import static dev.aio4j.SyncTesting.failure;
import static dev.aio4j.SyncTesting.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AsyncSemaphoreTest {

    @Test
    void negativePermitsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AsyncSemaphore(-1));
        assertEquals("permits < 0: -1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AsyncSemaphore.bounded(-3));
    }

    @Test
    void zeroPermitsIsLegalAndEveryoneWaitsForARelease() {
        AsyncSemaphore sem = new AsyncSemaphore(0);
        assertEquals(0, sem.availablePermits());
        assertFalse(sem.tryAcquire());
        CompletableFuture<Void> w = sem.acquire();
        assertPending(w);
        sem.release();
        assertTrue(w.isDone());
        assertEquals(0, sem.availablePermits());
    }

    @Test
    void acquireTakesFreePermitsAtOnceAndWaitsWhenNoneIsLeft() {
        AsyncSemaphore sem = new AsyncSemaphore(2);
        assertTrue(sem.acquire().isDone());
        assertTrue(sem.tryAcquire());
        assertEquals(0, sem.availablePermits());
        CompletableFuture<Void> w = sem.acquire();
        assertPending(w);
        sem.release();
        assertTrue(w.isDone() && !w.isCompletedExceptionally());
        assertEquals(0, sem.availablePermits(), "the released permit went to the waiter, not the count");
    }

    @Test
    void aPlainSemaphoreMayBeReleasedPastItsInitialCount() {
        AsyncSemaphore sem = new AsyncSemaphore(1);
        sem.release();
        sem.release();
        assertEquals(3, sem.availablePermits());
    }

    @Test
    void aBoundedSemaphoreRefusesToBeReleasedMoreThanItWasAcquired() {
        AsyncSemaphore sem = AsyncSemaphore.bounded(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, sem::release);
        assertTrue(e.getMessage().contains("bounded"), e.getMessage());
        sem.acquire();
        sem.release();
        assertThrows(IllegalStateException.class, sem::release);
        assertEquals(2, sem.availablePermits());
        assertThrows(IllegalStateException.class, () -> AsyncSemaphore.bounded(0).release());
    }

    @Test
    void aBoundedSemaphoreCountsAPermitOnItsWayToAWaiterAsHeld() throws Exception {
        AsyncSemaphore sem = AsyncSemaphore.bounded(1);
        sem.acquire();
        try (Loop loop = Loop.create("bounded")) {
            AtomicReference<CompletableFuture<Void>> w = new AtomicReference<>();
            await(loop.task(() -> {
                w.set(sem.acquire());
                return CompletableFuture.completedFuture(null);
            }));
            // hold the waiter's loop so the permit stays in flight
            java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            loop.execute(() -> {
                holding.countDown();
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(holding.await(5, TimeUnit.SECONDS));
            sem.release(); // handed to the waiter, whose loop is busy
            assertThrows(IllegalStateException.class, sem::release, "a second release is one too many");
            hold.countDown();
            await(w.get());
            sem.release();
            assertEquals(1, sem.availablePermits());
        }
    }

    @Test
    void waitersGetPermitsInArrivalOrderAndTryAcquireNeverOvertakes() {
        AsyncSemaphore sem = new AsyncSemaphore(0);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int k = i;
            sem.acquire().thenRun(() -> order.add(k));
        }
        assertFalse(sem.tryAcquire());
        for (int i = 0; i < 5; i++) sem.release();
        assertEquals(List.of(0, 1, 2, 3, 4), order);
        assertEquals(0, sem.availablePermits());
    }

    @Test
    void cancellingAWaiterWithdrawsItAndLeavesNoEntry() {
        AsyncSemaphore sem = new AsyncSemaphore(0);
        CompletableFuture<Void> a = sem.acquire();
        CompletableFuture<Void> b = sem.acquire();
        assertTrue(a.cancel(true));
        assertInstanceOf(CancellationException.class, failure(a));
        assertEquals(1, sem.core.waiterCount());
        sem.release();
        assertTrue(b.isDone());
        sem.release();
        assertEquals(1, sem.availablePermits());
        assertEquals(0, sem.core.waiterCount());
    }

    @Test
    void orTimeoutWithdrawsTheWaiter() {
        AsyncSemaphore sem = new AsyncSemaphore(0);
        assertInstanceOf(TimeoutException.class, failure(sem.acquire().orTimeout(10, TimeUnit.MILLISECONDS)));
        assertEquals(0, sem.core.waiterCount());
        sem.release();
        assertEquals(1, sem.availablePermits());
    }

    @Test
    void cancellationRacingAReleaseNeverLosesAPermit() {
        AsyncSemaphore sem = AsyncSemaphore.bounded(1);
        try (SyncTesting.Racer racer = new SyncTesting.Racer()) {
            int cancelledWon = 0;
            for (int i = 0; i < SyncTesting.RACE_ROUNDS; i++) {
                assertTrue(sem.tryAcquire());
                CompletableFuture<Void> first = sem.acquire();
                CompletableFuture<Void> second = sem.acquire();
                racer.race(sem::release, () -> first.cancel(true));
                if (first.isCancelled()) {
                    cancelledWon++;
                    assertTrue(second.isDone(), "round " + i + ": permit lost: " + sem);
                } else {
                    assertTrue(first.isDone());
                    assertPending(second);
                    sem.release();
                    assertTrue(second.isDone());
                }
                sem.release();
                assertEquals(1, sem.availablePermits(), "round " + i);
                assertEquals(0, sem.core.waiterCount());
            }
            assertTrue(cancelledWon > 0, "the race never let the cancellation win");
        }
    }

    @Test
    void cancellationRacingAReleaseToAWaiterOnALoopNeverLosesAPermit() throws Exception {
        // the hand-over is posted to the waiter's loop: the cancellation may win while it travels
        AsyncSemaphore sem = new AsyncSemaphore(0);
        try (Loop loop = Loop.create("racer-loop"); SyncTesting.Racer racer = new SyncTesting.Racer()) {
            for (int i = 0; i < SyncTesting.RACE_ROUNDS / 2; i++) {
                CompletableFuture<Void> w = SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(sem.acquire()));
                racer.race(sem::release, () -> w.cancel(true));
                // wait for the hand-over to land (or be given back) on the loop
                SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(null));
                if (w.isCancelled()) {
                    assertEquals(1, sem.availablePermits(), "round " + i + ": permit lost");
                    assertTrue(sem.tryAcquire());
                } else {
                    assertTrue(w.isDone());
                    assertEquals(0, sem.availablePermits());
                }
                assertEquals(0, sem.core.waiterCount());
            }
        }
    }

    @Test
    void withPermitLimitsHowManyBodiesRunAtOnce() throws Exception {
        AsyncSemaphore sem = new AsyncSemaphore(3);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        Loop.run(() -> {
            List<Task<Void>> ts = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ts.add(sem.withPermit(() -> {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    return Async.sleep(Duration.ofMillis(1)).whenComplete((v, e) -> inside.decrementAndGet());
                }));
            }
            return Async.gather(ts);
        });
        assertEquals(3, maxInside.get());
        assertEquals(3, sem.availablePermits());
    }

    @Test
    void withPermitReleasesOnFailureAndReleasesNothingWhenCancelledWhileWaiting() {
        AsyncSemaphore sem = AsyncSemaphore.bounded(1);
        Task<Object> failing = sem.withPermit(() -> {
            throw new IllegalStateException("body");
        });
        assertInstanceOf(IllegalStateException.class, failure(failing));
        assertEquals(1, sem.availablePermits());
        assertTrue(sem.tryAcquire());
        AtomicBoolean ran = new AtomicBoolean();
        Task<String> waiting = sem.withPermit(() -> {
            ran.set(true);
            return CompletableFuture.completedFuture("x");
        });
        waitUntil(() -> sem.core.waiterCount() == 1);
        waiting.cancel();
        waitUntil(() -> sem.core.waiterCount() == 0);
        assertEquals(0, sem.availablePermits());
        sem.release(); // would throw if the cancelled task had released a permit it never had
        assertEquals(1, sem.availablePermits());
        assertFalse(ran.get());
    }

    @Test
    void toStringShowsTheState() {
        AsyncSemaphore sem = new AsyncSemaphore(1);
        assertEquals("AsyncSemaphore[permits=1, waiters=0]", sem.toString());
        sem.acquire();
        sem.acquire();
        assertEquals("AsyncSemaphore[permits=0, waiters=1]", sem.toString());
        assertEquals("AsyncSemaphore[bounded 2, permits=2, waiters=0]", AsyncSemaphore.bounded(2).toString());
    }
}

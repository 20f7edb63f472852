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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AsyncConditionTest {

    @Test
    void callsWithoutTheLockHeldAreRefused() {
        AsyncCondition cond = new AsyncCondition();
        IllegalStateException e = assertThrows(IllegalStateException.class, cond::await);
        assertTrue(e.getMessage().contains("lock to be held"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> cond.awaitUntil(() -> true));
        assertThrows(IllegalStateException.class, cond::signal);
        assertThrows(IllegalStateException.class, () -> cond.signal(2));
        assertThrows(IllegalStateException.class, cond::signalAll);
        assertEquals(0, cond.core.waiterCount());
    }

    @Test
    void badArgumentsAreRefused() {
        AsyncCondition cond = new AsyncCondition();
        assertThrows(NullPointerException.class, () -> new AsyncCondition(null));
        cond.acquire();
        assertEquals("n < 0: -1", assertThrows(IllegalArgumentException.class, () -> cond.signal(-1)).getMessage());
        assertThrows(NullPointerException.class, () -> cond.awaitUntil(null));
        cond.release();
    }

    @Test
    void theConditionsLockIsTheOneGivenOrItsOwn() {
        AsyncLock lock = new AsyncLock();
        AsyncCondition cond = new AsyncCondition(lock);
        assertSame(lock, cond.lock());
        assertTrue(cond.tryAcquire());
        assertTrue(lock.isLocked() && cond.isLocked());
        cond.release();
        assertFalse(lock.isLocked());
        assertTrue(new AsyncCondition().lock() != null);
    }

    @Test
    void awaitReleasesTheLockAndCompletesOnlyOnceSignalledAndTheLockIsHeldAgain() {
        AsyncCondition cond = new AsyncCondition();
        cond.acquire();
        CompletableFuture<Void> w = cond.await();
        assertFalse(cond.isLocked(), "await releases the lock");
        assertTrue(cond.tryAcquire()); // someone else takes the lock
        cond.signal();
        assertPending(w); // signalled, but the lock is still held by the signaller
        cond.release();
        assertTrue(w.isDone() && !w.isCompletedExceptionally());
        assertTrue(cond.isLocked(), "the woken waiter holds the lock");
        cond.release();
        assertFalse(cond.isLocked());
    }

    @Test
    void signalWakesWaitersInFifoOrderAndSignalNWakesN() {
        AsyncCondition cond = new AsyncCondition();
        List<Integer> woken = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int k = i;
            assertTrue(cond.tryAcquire());
            cond.await().thenRun(() -> {
                woken.add(k);
                cond.release();
            });
        }
        assertEquals(4, cond.core.waiterCount());
        assertTrue(cond.tryAcquire());
        cond.signal(2);
        cond.release();
        assertEquals(List.of(0, 1), woken);
        assertTrue(cond.tryAcquire());
        cond.signal();
        cond.release();
        assertEquals(List.of(0, 1, 2), woken);
        assertTrue(cond.tryAcquire());
        cond.signalAll();
        cond.release();
        assertEquals(List.of(0, 1, 2, 3), woken);
        assertFalse(cond.isLocked());
        assertTrue(cond.tryAcquire());
        cond.signal(); // nobody waits: nothing happens
        cond.release();
    }

    @Test
    void wokenWaitersQueueBehindEarlierLockWaiters() {
        AsyncCondition cond = new AsyncCondition();
        List<String> order = new ArrayList<>();
        cond.acquire();
        cond.await().thenRun(() -> {
            order.add("condition waiter");
            cond.release();
        });
        cond.acquire(); // now held again
        cond.acquire().thenRun(() -> {
            order.add("lock waiter");
            cond.release();
        });
        cond.signal();
        cond.release();
        assertEquals(List.of("lock waiter", "condition waiter"), order);
    }

    @Test
    void cancellingAWaitCompletesItOnlyOnceTheLockIsHeldAgain() {
        AsyncCondition cond = new AsyncCondition();
        cond.acquire();
        CompletableFuture<Void> w = cond.await();
        assertTrue(cond.tryAcquire()); // another holder
        assertTrue(w.cancel(true), "the cancel request is accepted");
        assertFalse(w.isDone(), "but the future waits for the lock");
        assertEquals(0, cond.core.waiterCount());
        cond.release();
        assertTrue(w.isCancelled());
        assertTrue(cond.isLocked(), "the cancelled waiter holds the lock and must release it");
        cond.release();
        assertFalse(cond.isLocked());
    }

    @Test
    void cancellingAWaitWhileTheLockIsFreeCompletesItAtOnceWithTheLockHeld() {
        AsyncCondition cond = new AsyncCondition();
        cond.acquire();
        CompletableFuture<Void> w = cond.await();
        assertFalse(cond.isLocked());
        w.cancel(false);
        assertTrue(w.isCancelled());
        assertTrue(cond.isLocked());
        cond.release();
    }

    @Test
    void aSignalGivenToAWaiterThatIsThenCancelledPassesToAnother() {
        AsyncCondition cond = new AsyncCondition();
        cond.acquire();
        CompletableFuture<Void> first = cond.await();
        cond.acquire();
        CompletableFuture<Void> second = cond.await();
        cond.acquire();
        cond.signal(); // to first
        first.cancel(true); // first gives its signal to second
        cond.release(); // first gets the lock (cancelled)
        assertTrue(first.isCancelled());
        cond.release(); // first's holder releases: second gets it
        assertTrue(second.isDone() && !second.isCompletedExceptionally(), "the signal was lost with the cancelled waiter");
        cond.release();
        assertFalse(cond.isLocked());
        assertEquals(0, cond.core.waiterCount());
    }

    @Test
    void orTimeoutFailsTheWaitWithTheLockHeld() {
        AsyncCondition cond = new AsyncCondition();
        cond.acquire();
        CompletableFuture<Void> w = cond.await().orTimeout(10, TimeUnit.MILLISECONDS);
        assertInstanceOf(TimeoutException.class, failure(w));
        assertTrue(cond.isLocked());
        cond.release();
    }

    @Test
    void awaitUntilChecksThePredicateNowAndAfterEachWakeUpWithTheLockHeld() {
        AsyncCondition cond = new AsyncCondition();
        AtomicInteger value = new AtomicInteger();
        AtomicInteger checks = new AtomicInteger();
        cond.acquire();
        CompletableFuture<Void> w = cond.awaitUntil(() -> {
            checks.incrementAndGet();
            assertTrue(cond.isLocked());
            return value.get() >= 2;
        });
        assertEquals(1, checks.get());
        for (int i = 1; i <= 2; i++) {
            assertPending(w);
            cond.acquire();
            value.set(i);
            cond.signal();
            cond.release();
        }
        assertEquals(3, checks.get());
        assertTrue(w.isDone() && cond.isLocked());
        cond.release();
        cond.acquire();
        assertTrue(cond.awaitUntil(() -> true).isDone());
        cond.release();
    }

    @Test
    void aPredicateThatThrowsFailsTheWaitWithTheLockHeld() {
        AsyncCondition cond = new AsyncCondition();
        AtomicBoolean armed = new AtomicBoolean();
        cond.acquire();
        CompletableFuture<Void> now = cond.awaitUntil(() -> {
            throw new IllegalArgumentException("at once");
        });
        assertInstanceOf(IllegalArgumentException.class, failure(now));
        assertTrue(cond.isLocked());
        CompletableFuture<Void> later = cond.awaitUntil(() -> {
            if (armed.get()) throw new ArithmeticException("later");
            return false;
        });
        cond.acquire();
        armed.set(true);
        cond.signal();
        cond.release();
        assertInstanceOf(ArithmeticException.class, failure(later));
        assertTrue(cond.isLocked());
        cond.release();
    }

    @Test
    void withLockReleasesAfterACancelledWaitHasReacquiredTheLock() throws Exception {
        AsyncCondition cond = new AsyncCondition();
        try (Loop loop = Loop.create("cond")) {
            Task<Void> t = loop.task(() -> cond.withLock(() -> cond.await().thenApply(v -> v)));
            waitUntil(() -> cond.core.waiterCount() == 1);
            assertTrue(cond.tryAcquire()); // hold the lock while the task is cancelled
            t.cancel();
            assertInstanceOf(CancellationException.class, failure(t));
            cond.release(); // the cancelled wait re-acquires, then withLock releases
            waitUntil(() -> !cond.isLocked());
            assertEquals(0, cond.lock().core.waiterCount());
        }
    }

    @Test
    void aProducerConsumerOverOneConditionOnALoop() throws Exception {
        AsyncCondition cond = new AsyncCondition();
        ArrayDeque<Integer> items = new ArrayDeque<>();
        int sum = Loop.run(() -> {
            List<Task<Integer>> consumers = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                consumers.add(Async.task(() -> consume(cond, items, 0, 10)));
            }
            List<Task<Void>> producers = new ArrayList<>();
            for (int i = 1; i <= 30; i++) {
                int v = i;
                producers.add(cond.withLock(() -> {
                    items.add(v);
                    cond.signal();
                    return Async.sleep(Duration.ZERO);
                }));
            }
            return Async.gather(producers).thenCompose(v -> Async.gather(consumers))
                    .thenApply(list -> list.stream().mapToInt(Integer::intValue).sum());
        });
        assertEquals(465, sum);
        assertFalse(cond.isLocked());
    }

    private static CompletableFuture<Integer> consume(AsyncCondition cond, ArrayDeque<Integer> items, int acc, int left) {
        if (left == 0) return CompletableFuture.completedFuture(acc);
        return cond.withLock(() -> cond.awaitUntil(() -> !items.isEmpty()).thenApply(v -> items.poll()))
                .thenCompose(x -> consume(cond, items, acc + x, left - 1));
    }

    @Test
    void cancellationRacingASignalNeverLosesTheSignalOrTheLock() {
        AsyncCondition cond = new AsyncCondition();
        try (SyncTesting.Racer racer = new SyncTesting.Racer()) {
            for (int i = 0; i < SyncTesting.RACE_ROUNDS; i++) {
                cond.acquire();
                CompletableFuture<Void> first = cond.await();
                cond.acquire();
                CompletableFuture<Void> second = cond.await();
                cond.acquire();
                racer.race(cond::signal, () -> first.cancel(true));
                cond.release();
                // first holds the lock now (woken or cancelled)
                assertTrue(first.isDone(), "round " + i + ": " + cond);
                if (first.isCancelled() && second.isDone()) {
                    fail("round " + i + ": second cannot hold the lock while first does");
                }
                cond.release();
                if (first.isCancelled()) {
                    // the signal passed to second if first had received it, else second still waits
                    if (!second.isDone()) {
                        cond.acquire();
                        cond.signal();
                        cond.release();
                    }
                } else {
                    assertPending(second);
                    cond.acquire();
                    cond.signal();
                    cond.release();
                }
                assertTrue(second.isDone() && !second.isCompletedExceptionally(), "round " + i);
                cond.release();
                assertFalse(cond.isLocked(), "round " + i);
                assertEquals(0, cond.core.waiterCount());
                assertEquals(0, cond.lock().core.waiterCount());
            }
        }
    }

    private static void fail(String message) {
        throw new AssertionError(message);
    }

    @Test
    void toStringShowsTheState() {
        AsyncCondition cond = new AsyncCondition();
        assertEquals("AsyncCondition[unlocked, waiters=0]", cond.toString());
        cond.acquire();
        cond.await();
        cond.acquire();
        assertEquals("AsyncCondition[locked, waiters=1]", cond.toString());
        assertTrue(cond.await().toString().startsWith("AsyncCondition.await()[pending"));
    }
}

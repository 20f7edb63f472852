package dev.aio4j;

import static dev.aio4j.SyncTesting.assertPending;
import static dev.aio4j.SyncTesting.await;
import static dev.aio4j.SyncTesting.failure;
import static dev.aio4j.SyncTesting.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AsyncEventTest {

    @Test
    void setClearAndIsSet() {
        AsyncEvent e = new AsyncEvent();
        assertFalse(e.isSet());
        e.set();
        assertTrue(e.isSet());
        e.set();
        assertTrue(e.isSet());
        e.clear();
        assertFalse(e.isSet());
    }

    @Test
    void awaitCompletesAtOnceWhileSetAndWaitsWhileClear() {
        AsyncEvent e = new AsyncEvent();
        CompletableFuture<Void> w = e.await();
        assertPending(w);
        e.set();
        assertTrue(w.isDone());
        assertTrue(e.await().isDone());
        e.clear();
        assertPending(e.await());
    }

    @Test
    void setWakesEveryWaiter() {
        AsyncEvent e = new AsyncEvent();
        List<CompletableFuture<Void>> ws = new ArrayList<>();
        for (int i = 0; i < 100; i++) ws.add(e.await());
        e.set();
        for (CompletableFuture<Void> w : ws) assertTrue(w.isDone() && !w.isCompletedExceptionally());
        assertEquals(0, e.core.waiterCount());
    }

    @Test
    void waitersWokenBySetCompleteEvenIfClearFollowsAtOnce() throws Exception {
        AsyncEvent e = new AsyncEvent();
        try (Loop loop = Loop.create("event-waiters")) {
            AtomicReference<CompletableFuture<Void>> w = new AtomicReference<>();
            await(loop.task(() -> {
                w.set(e.await());
                return CompletableFuture.completedFuture(null);
            }));
            loop.execute(() -> {
                e.set(); // the waiter's completion is posted to this loop ...
                e.clear(); // ... and the flag is cleared before it runs
            });
            await(w.get());
            assertFalse(e.isSet());
        }
    }

    @Test
    void waitersOnSeveralLoopsAreWokenEachOnItsOwnLoop() throws Exception {
        AsyncEvent e = new AsyncEvent();
        try (Loop a = Loop.create("ev-a"); Loop b = Loop.create("ev-b")) {
            Task<Loop> ta = a.task(() -> e.await().thenApply(v -> Loop.current().orElseThrow()));
            Task<Loop> tb = b.task(() -> e.await().thenApply(v -> Loop.current().orElseThrow()));
            waitUntil(() -> e.core.waiterCount() == 2);
            e.set();
            assertSame(a, await(ta));
            assertSame(b, await(tb));
        }
    }

    @Test
    void cancellingAWaiterWithdrawsIt() {
        AsyncEvent e = new AsyncEvent();
        CompletableFuture<Void> a = e.await();
        CompletableFuture<Void> b = e.await();
        assertTrue(a.cancel(true));
        assertInstanceOf(CancellationException.class, failure(a));
        assertEquals(1, e.core.waiterCount());
        e.set();
        assertTrue(b.isDone() && !b.isCompletedExceptionally());
        assertTrue(a.isCancelled());
        assertInstanceOf(TimeoutException.class, failure(new AsyncEvent().await().orTimeout(5, TimeUnit.MILLISECONDS)));
    }

    @Test
    void cancellationRacingSetEitherWakesOrWithdrawsTheWaiter() {
        try (SyncTesting.Racer racer = new SyncTesting.Racer()) {
            for (int i = 0; i < SyncTesting.RACE_ROUNDS; i++) {
                AsyncEvent e = new AsyncEvent();
                CompletableFuture<Void> w = e.await();
                AtomicInteger dependents = new AtomicInteger();
                w.whenComplete((v, x) -> dependents.incrementAndGet());
                racer.race(e::set, () -> w.cancel(true));
                assertTrue(w.isDone());
                assertEquals(1, dependents.get());
                assertEquals(0, e.core.waiterCount());
            }
        }
    }

    @Test
    void toStringShowsTheState() {
        AsyncEvent e = new AsyncEvent();
        e.await();
        assertEquals("AsyncEvent[unset, waiters=1]", e.toString());
        e.set();
        assertEquals("AsyncEvent[set, waiters=0]", e.toString());
    }
}

package dev.aio4j;

import static dev.aio4j.StressSupport.SCALE;
import static dev.aio4j.SyncTesting.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Condition waiters on two loops and the shared loop, signals from a thread, random cancellation
 * from two threads: every wait completes holding the lock (normally or cancelled), the lock ends
 * unlocked, no waiter is left on the condition or the lock. Events and barriers under the same
 * treatment end with nothing left behind.
 */
@Timeout(60)
class ConditionStressTest {

    @Test
    void everyWaitEndsHoldingTheLockAndNothingIsLeft() throws Exception {
        int waiters = 2_000 * SCALE;
        AsyncCondition cond = new AsyncCondition();
        AtomicInteger notHeld = new AtomicInteger();
        AtomicInteger woken = new AtomicInteger();
        List<CompletableFuture<?>> all = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (Loop a = Loop.create("cond-a"); Loop b = Loop.create("cond-b");
                StressSupport.Cancellers cancellers = new StressSupport.Cancellers(2, 0.3)) {
            Thread signaller = new Thread(() -> {
                while (!stop.get()) {
                    if (cond.tryAcquire()) {
                        cond.signal(1 + (int) (Math.random() * 3));
                        cond.release();
                    }
                    Thread.yield();
                }
            }, "signaller");
            signaller.setDaemon(true);
            signaller.start();
            Loop[] loops = {a, b, Loop.shared()};
            for (int i = 0; i < waiters; i++) {
                Task<Void> t = loops[i % 3].task(() -> cond.withLock(() -> cond.await().whenComplete((v, e) -> {
                    if (!cond.isLocked()) notHeld.incrementAndGet();
                    if (e == null) woken.incrementAndGet();
                })));
                all.add(t);
                cancellers.add(t);
            }
            LockStressTest.settle(all);
            stop.set(true);
            signaller.join();
            waitUntil(() -> !cond.isLocked());
        }
        assertEquals(0, notHeld.get(), "a wait completed without the lock held");
        assertTrue(woken.get() > 0);
        assertFalse(cond.isLocked());
        assertEquals(0, cond.core.waiterCount());
        assertEquals(0, cond.lock().core.waiterCount());
    }

    @Test
    void eventWaitersFromSeveralThreadsEndWokenOrWithdrawn() throws Exception {
        int rounds = 200 * SCALE;
        for (int r = 0; r < rounds; r++) {
            AsyncEvent e = new AsyncEvent();
            List<CompletableFuture<Void>> ws = new ArrayList<>();
            try (StressSupport.Cancellers cancellers = new StressSupport.Cancellers(2, 0.5)) {
                Thread toggler = new Thread(() -> {
                    for (int i = 0; i < 50; i++) {
                        e.set();
                        e.clear();
                    }
                });
                toggler.start();
                for (int i = 0; i < 100; i++) ws.add(cancellers.add(e.await()));
                toggler.join();
            }
            e.set();
            for (CompletableFuture<Void> w : ws) assertTrue(w.isDone(), "round " + r + ": " + w);
            assertEquals(0, e.core.waiterCount(), "round " + r);
        }
    }

    @Test
    void barrierRoundsWithWithdrawalsLeaveAtMostAnIncompleteRound() throws Exception {
        int parties = 4;
        int arrivals = 4_000 * SCALE;
        AsyncBarrier barrier = new AsyncBarrier(parties);
        List<CompletableFuture<Integer>> ws = new ArrayList<>();
        try (StressSupport.Cancellers cancellers = new StressSupport.Cancellers(2, 0.3)) {
            Thread[] arrivers = new Thread[2];
            for (int t = 0; t < arrivers.length; t++) {
                arrivers[t] = new Thread(() -> {
                    for (int i = 0; i < arrivals / 2; i++) {
                        CompletableFuture<Integer> w = barrier.await();
                        synchronized (ws) {
                            ws.add(w);
                        }
                        cancellers.add(w);
                    }
                });
                arrivers[t].start();
            }
            for (Thread t : arrivers) t.join();
        }
        int released = 0;
        int pending = 0;
        for (CompletableFuture<Integer> w : ws) {
            if (!w.isDone()) pending++;
            else if (!w.isCompletedExceptionally()) released++;
        }
        assertEquals(pending, barrier.waiting());
        assertTrue(pending < parties, "a full round was left waiting: " + barrier);
        assertEquals(0, released % parties, "released parties come in whole rounds: " + released);
        barrier.abort();
        for (CompletableFuture<Integer> w : ws) assertTrue(w.isDone());
    }
}

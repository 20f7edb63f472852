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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AsyncBarrierTest {

    @Test
    void fewerThanOnePartyIsRefused() {
        assertEquals("parties < 1: 0", assertThrows(IllegalArgumentException.class, () -> new AsyncBarrier(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AsyncBarrier(-2));
    }

    @Test
    void theLastArrivalReleasesEveryoneWithTheirArrivalIndex() {
        AsyncBarrier b = new AsyncBarrier(3);
        CompletableFuture<Integer> first = b.await();
        CompletableFuture<Integer> second = b.await();
        assertPending(first);
        assertEquals(2, b.waiting());
        CompletableFuture<Integer> third = b.await();
        assertTrue(third.isDone());
        assertEquals(0, first.join());
        assertEquals(1, second.join());
        assertEquals(2, third.join());
        assertEquals(0, b.waiting());
        assertEquals(3, b.parties());
    }

    @Test
    void aBarrierOfOnePartyNeverWaits() {
        AsyncBarrier b = new AsyncBarrier(1);
        assertEquals(0, b.await().join());
        assertEquals(0, b.await().join());
    }

    @Test
    void theBarrierFillsAgainForTheNextRound() {
        AsyncBarrier b = new AsyncBarrier(2);
        for (int round = 0; round < 3; round++) {
            CompletableFuture<Integer> a = b.await();
            assertPending(a);
            assertEquals(1, b.await().join());
            assertEquals(0, a.join());
        }
    }

    @Test
    void abortBreaksTheBarrierForWaitersAndLaterCallersUntilReset() {
        AsyncBarrier b = new AsyncBarrier(3);
        CompletableFuture<Integer> w = b.await();
        b.abort();
        assertTrue(b.isBroken());
        assertInstanceOf(BrokenBarrierException.class, failure(w));
        assertInstanceOf(BrokenBarrierException.class, failure(b.await()));
        assertEquals(0, b.waiting());
        b.reset();
        assertFalse(b.isBroken());
        CompletableFuture<Integer> x = b.await();
        b.await();
        assertEquals(2, b.await().join());
        assertEquals(0, x.join());
    }

    @Test
    void resetFailsTheCurrentWaitersAndStartsAFreshRound() {
        AsyncBarrier b = new AsyncBarrier(2);
        CompletableFuture<Integer> w = b.await();
        b.reset();
        assertInstanceOf(BrokenBarrierException.class, failure(w));
        assertFalse(b.isBroken());
        CompletableFuture<Integer> a = b.await();
        assertPending(a);
        assertEquals(1, b.await().join());
        assertEquals(0, a.join());
    }

    @Test
    void aWaiterCancelledBeforeTheTripNoLongerCounts() {
        AsyncBarrier b = new AsyncBarrier(2);
        CompletableFuture<Integer> gone = b.await();
        assertTrue(gone.cancel(true));
        assertInstanceOf(CancellationException.class, failure(gone));
        assertEquals(0, b.waiting());
        CompletableFuture<Integer> a = b.await();
        assertPending(a);
        assertEquals(1, b.await().join());
        assertEquals(0, a.join());
        assertInstanceOf(TimeoutException.class, failure(b.await().orTimeout(5, TimeUnit.MILLISECONDS)));
        assertEquals(0, b.waiting());
    }

    @Test
    void cancellingAfterTheTripIsTooLateAndTheIndexArrives() throws Exception {
        AsyncBarrier b = new AsyncBarrier(2);
        try (Loop loop = Loop.create("barrier")) {
            CompletableFuture<Integer> w = SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(b.await()));
            CompletableFuture<Void> holding = new CompletableFuture<>();
            CompletableFuture<Void> hold = new CompletableFuture<>();
            loop.execute(() -> {
                holding.complete(null);
                hold.join(); // keeps the waiter's delivery queued behind this step
            });
            await(holding);
            assertEquals(1, b.await().join()); // trips; w's completion waits for its loop
            assertFalse(w.cancel(true), "the round is over: too late to withdraw");
            hold.complete(null);
            assertEquals(0, await(w));
        }
    }

    @Test
    void partiesOnSeveralLoopsMeet() throws Exception {
        AsyncBarrier b = new AsyncBarrier(4);
        List<Loop> loops = new ArrayList<>();
        try {
            List<Task<Integer>> ts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Loop l = Loop.create("meet-" + i);
                loops.add(l);
                ts.add(l.task(() -> Async.sleep(Duration.ofMillis(1)).thenCompose(v -> b.await())));
            }
            Set<Integer> indices = new HashSet<>();
            for (Task<Integer> t : ts) indices.add(await(t));
            assertEquals(Set.of(0, 1, 2, 3), indices);
        } finally {
            for (Loop l : loops) l.close();
        }
    }

    @Test
    void cancellationRacingTheTripEitherWithdrawsOrReleasesTheWaiter() {
        try (SyncTesting.Racer racer = new SyncTesting.Racer()) {
            for (int i = 0; i < SyncTesting.RACE_ROUNDS; i++) {
                AsyncBarrier b = new AsyncBarrier(2);
                CompletableFuture<Integer> w = b.await();
                CompletableFuture<CompletableFuture<Integer>> last = new CompletableFuture<>();
                racer.race(() -> last.complete(b.await()), () -> w.cancel(true));
                CompletableFuture<Integer> l = last.join();
                if (w.isCancelled()) {
                    assertPending(l); // it arrived alone
                    assertEquals(1, b.waiting());
                    b.abort();
                    assertInstanceOf(BrokenBarrierException.class, failure(l));
                } else {
                    assertEquals(0, w.join());
                    assertEquals(1, l.join());
                    assertEquals(0, b.waiting());
                }
            }
        }
    }

    @Test
    void toStringShowsTheState() {
        AsyncBarrier b = new AsyncBarrier(3);
        b.await();
        assertEquals("AsyncBarrier[filling, waiting=1/3]", b.toString());
        b.abort();
        assertEquals("AsyncBarrier[broken, waiting=0/3]", b.toString());
        waitUntil(() -> true);
    }
}

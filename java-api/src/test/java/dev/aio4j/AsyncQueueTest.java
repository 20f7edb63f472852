package dev.aio4j;

import static dev.aio4j.SyncTesting.assertPending;
import static dev.aio4j.SyncTesting.await;
import static dev.aio4j.SyncTesting.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
class AsyncQueueTest {

    @Test
    void badArgumentsAreRefused() {
        assertEquals("maxsize < 0: -1", assertThrows(IllegalArgumentException.class, () -> AsyncQueue.fifo(-1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> AsyncQueue.lifo(-1));
        assertThrows(IllegalArgumentException.class, () -> AsyncQueue.<Integer>priority(-1));
        assertThrows(NullPointerException.class, () -> AsyncQueue.priority(1, null));
        AsyncQueue<String> q = AsyncQueue.fifo(0);
        assertEquals("item", assertThrows(NullPointerException.class, () -> q.put(null)).getMessage());
        assertThrows(NullPointerException.class, () -> q.putNowait(null));
    }

    @Test
    void aNaturalOrderPriorityQueueRefusesItemsThatAreNotComparable() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        AsyncQueue<Object> q = (AsyncQueue) AsyncQueue.<Integer>priority(0);
        assertThrows(ClassCastException.class, () -> q.putNowait(new Object()));
        assertEquals(0, q.size());
    }

    @Test
    void fifoLifoAndPriorityOrders() {
        AsyncQueue<Integer> fifo = AsyncQueue.fifo(0);
        AsyncQueue<Integer> lifo = AsyncQueue.lifo(0);
        AsyncQueue<Integer> prio = AsyncQueue.priority(0);
        AsyncQueue<Integer> reversed = AsyncQueue.priority(0, Comparator.reverseOrder());
        for (int x : new int[] {3, 1, 4, 1, 5}) {
            fifo.putNowait(x);
            lifo.putNowait(x);
            prio.putNowait(x);
            reversed.putNowait(x);
        }
        assertEquals(List.of(3, 1, 4, 1, 5), drain(fifo));
        assertEquals(List.of(5, 1, 4, 1, 3), drain(lifo));
        assertEquals(List.of(1, 1, 3, 4, 5), drain(prio));
        assertEquals(List.of(5, 4, 3, 1, 1), drain(reversed));
    }

    private static <T> List<T> drain(AsyncQueue<T> q) {
        List<T> out = new ArrayList<>();
        while (!q.isEmpty()) out.add(q.getNowait());
        return out;
    }

    @Test
    void maxsizeZeroIsUnboundedNotARendezvous() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(0);
        for (int i = 0; i < 10_000; i++) assertTrue(q.put(i).isDone());
        assertEquals(10_000, q.size());
        assertFalse(q.isFull());
        assertEquals(0, q.maxsize());
    }

    @Test
    void putNowaitOnAFullQueueAndGetNowaitOnAnEmptyOneThrow() {
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        assertInstanceOf(java.util.NoSuchElementException.class, assertThrows(QueueEmptyException.class, q::getNowait));
        q.putNowait("a");
        assertTrue(q.isFull());
        QueueFullException full = assertThrows(QueueFullException.class, () -> q.putNowait("b"));
        assertInstanceOf(IllegalStateException.class, full);
        assertEquals("a", q.getNowait());
        assertTrue(q.isEmpty());
    }

    @Test
    void putWaitsWhileFullAndPuttersAreAdmittedInOrder() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.putNowait(0);
        CompletableFuture<Void> p1 = q.put(1);
        CompletableFuture<Void> p2 = q.put(2);
        assertPending(p1);
        assertPending(p2);
        assertThrows(QueueFullException.class, () -> q.putNowait(9));
        assertEquals(0, q.getNowait());
        assertTrue(p1.isDone());
        assertPending(p2);
        assertEquals(1, q.get().join());
        assertTrue(p2.isDone());
        assertEquals(2, q.getNowait());
        assertEquals(3, q.core.unfinishedTasks());
    }

    @Test
    void getWaitsWhileEmptyAndGettersAreServedInOrder() {
        AsyncQueue<String> q = AsyncQueue.fifo(0);
        CompletableFuture<String> g1 = q.get();
        CompletableFuture<String> g2 = q.get();
        assertPending(g1);
        q.putNowait("a");
        assertEquals("a", g1.getNow(null));
        assertPending(g2);
        assertTrue(q.put("b").isDone());
        assertEquals("b", g2.getNow(null));
        assertEquals(0, q.size(), "handed straight to the waiting getters");
    }

    @Test
    void taskDoneAndJoin() {
        AsyncQueue<String> q = AsyncQueue.fifo(0);
        assertTrue(q.join().isDone());
        q.putNowait("a");
        q.putNowait("b");
        CompletableFuture<Void> joined = q.join();
        q.getNowait();
        q.getNowait();
        assertPending(joined);
        q.taskDone();
        assertPending(joined);
        q.taskDone();
        assertTrue(joined.isDone());
        IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);
        assertTrue(e.getMessage().contains("more times"), e.getMessage());
    }

    @Test
    void cancellingAJoinWithdrawsIt() {
        AsyncQueue<String> q = AsyncQueue.fifo(0);
        q.putNowait("a");
        CompletableFuture<Void> j = q.join();
        assertTrue(j.cancel(true));
        assertEquals(0, q.core.waiterCount());
    }

    @Test
    void shutdownRefusesPutsDrainsThenFailsGets() {
        AsyncQueue<String> q = AsyncQueue.fifo(0);
        q.putNowait("a");
        q.putNowait("b");
        q.shutdown();
        assertTrue(q.isShutDown());
        assertInstanceOf(QueueShutDownException.class, failure(q.put("c")));
        assertThrows(QueueShutDownException.class, () -> q.putNowait("c"));
        assertEquals("a", q.get().join());
        assertEquals("b", q.getNowait());
        assertInstanceOf(QueueShutDownException.class, failure(q.get()));
        assertThrows(QueueShutDownException.class, q::getNowait);
    }

    @Test
    void shutdownWakesWaitingGettersAndPuttersWithTheException() {
        AsyncQueue<String> empty = AsyncQueue.fifo(1);
        CompletableFuture<String> g = empty.get();
        empty.shutdown(false);
        assertInstanceOf(QueueShutDownException.class, failure(g));

        AsyncQueue<String> full = AsyncQueue.fifo(1);
        full.putNowait("a");
        CompletableFuture<Void> p = full.put("b");
        full.shutdown(false);
        assertInstanceOf(QueueShutDownException.class, failure(p));
        assertEquals(1, full.size(), "the waiting put's item never entered");
        assertEquals("a", full.getNowait());
        assertEquals(0, full.core.waiterCount());
    }

    @Test
    void immediateShutdownDropsTheItemsAndLetsJoinReturn() {
        AsyncQueue<String> q = AsyncQueue.fifo(0);
        q.putNowait("a");
        q.putNowait("b");
        q.putNowait("c");
        assertEquals("a", q.getNowait()); // taken, not done yet
        CompletableFuture<Void> joined = q.join();
        q.shutdown(true);
        assertEquals(0, q.size());
        assertPending(joined);
        q.taskDone(); // the one taken
        assertTrue(joined.isDone());
        assertThrows(QueueShutDownException.class, q::getNowait);
        assertThrows(IllegalStateException.class, q::taskDone);
    }

    @Test
    void immediateAfterPlainShutdownStillDrops() {
        AsyncQueue<String> q = AsyncQueue.fifo(0);
        q.putNowait("a");
        q.shutdown(false);
        q.shutdown(true);
        assertEquals(0, q.size());
        assertTrue(q.join().isDone());
    }

    @Test
    void cancellingAGetWithdrawsItAndTheNextPutGoesToTheNextGetter() {
        AsyncQueue<String> q = AsyncQueue.fifo(0);
        CompletableFuture<String> g1 = q.get();
        CompletableFuture<String> g2 = q.get();
        assertTrue(g1.cancel(true));
        assertInstanceOf(CancellationException.class, failure(g1));
        q.putNowait("x");
        assertEquals("x", g2.getNow(null));
        assertEquals(0, q.core.waiterCount());
        assertInstanceOf(TimeoutException.class, failure(q.get().orTimeout(5, TimeUnit.MILLISECONDS)));
        assertEquals(0, q.core.waiterCount());
    }

    @Test
    void cancellingAWaitingPutWithdrawsItsItem() {
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        q.putNowait("a");
        CompletableFuture<Void> p = q.put("b");
        assertTrue(p.cancel(true));
        assertEquals("a", q.getNowait());
        assertTrue(q.isEmpty(), "the cancelled put's item must not enter");
        assertEquals(1, q.core.unfinishedTasks());
    }

    @Test
    void anAdmittedPutCannotBeCancelledAnyMore() throws Exception {
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        q.putNowait("a");
        try (Loop loop = Loop.create("putter")) {
            CompletableFuture<Void> p = SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(q.put("b")));
            CompletableFuture<Void> holding = new CompletableFuture<>();
            CompletableFuture<Void> hold = new CompletableFuture<>();
            loop.execute(() -> {
                holding.complete(null);
                hold.join();
            });
            await(holding);
            assertEquals("a", q.getNowait()); // admits "b"; p's completion waits for its loop
            assertFalse(p.cancel(true), "the put is final once its item is in");
            hold.complete(null);
            await(p);
            assertEquals("b", q.getNowait());
        }
    }

    /** Blocks {@code loop} until the returned future is completed (no sleeps: the loop's task waits on it). */
    private static CompletableFuture<Void> hold(Loop loop) {
        CompletableFuture<Void> holding = new CompletableFuture<>();
        CompletableFuture<Void> hold = new CompletableFuture<>();
        loop.execute(() -> {
            holding.complete(null);
            hold.join();
        });
        await(holding);
        return hold;
    }

    @Test
    void aWokenGetCancelledLeavesItsItemInPlaceAndTheSameConsumerGetsItNext() throws Exception {
        AsyncQueue<String> q = AsyncQueue.fifo(0);
        try (Loop loop = Loop.create("getter")) {
            CompletableFuture<String> g = SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(q.get()));
            CompletableFuture<Void> hold = hold(loop);
            q.putNowait("first"); // wakes g; it would take the item when its loop runs it
            q.putNowait("second");
            assertEquals(2, q.size(), "the item stays in the queue until the getter takes it");
            assertTrue(g.cancel(true)); // cancelled while woken
            assertTrue(g.isCancelled());
            assertEquals("first", q.get().getNow(null), "the same consumer, getting again, gets the same item");
            hold.complete(null);
            SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(null)); // the delivery has run: it did nothing
            assertEquals(List.of("second"), drain(q));
            assertEquals(2, q.core.unfinishedTasks());
            assertEquals(0, q.core.reservedCount());
        }
    }

    @Test
    void aWokenGetCancelledInABoundedQueueKeepsSizeWithinMaxsizeAndOrder() throws Exception {
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        try (Loop loop = Loop.create("getter")) {
            CompletableFuture<String> g = SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(q.get()));
            CompletableFuture<Void> hold = hold(loop);
            q.putNowait("first"); // wakes g
            assertTrue(q.isFull());
            CompletableFuture<Void> p = q.put("second");
            assertPending(p); // no room until an item actually leaves
            assertTrue(g.cancel(true));
            assertEquals(1, q.size());
            assertEquals("first", q.getNowait());
            assertTrue(p.isDone(), "the item leaving admitted the waiting put");
            assertEquals(1, q.size());
            hold.complete(null);
            SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(null));
            assertEquals("second", q.getNowait());
        }
    }

    @Test
    void aWokenGetterKeepsItsTurnWhenGetNowaitTakesItsItem() throws Exception {
        AsyncQueue<String> q = AsyncQueue.fifo(0);
        try (Loop loop = Loop.create("getter")) {
            CompletableFuture<String> g1 = SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(q.get()));
            CompletableFuture<String> g2 = q.get(); // outside any loop: completes on the thread that hands it its item
            CompletableFuture<Void> hold = hold(loop);
            q.putNowait("a"); // wakes g1 (g2 stays in line behind it)
            CompletableFuture<String> later = q.get();
            assertPending(later); // a later get waits behind the woken getter
            assertTrue(later.cancel(true));
            assertEquals("a", q.getNowait()); // getNowait never waits: it takes what is there
            hold.complete(null);
            SyncTesting.onLoop(loop, () -> CompletableFuture.completedFuture(null)); // g1 found nothing: back at the head of the line
            assertPending(g1);
            q.putNowait("b");
            assertEquals("b", await(g1));
            assertPending(g2);
            q.putNowait("c");
            assertEquals("c", g2.getNow(null));
        }
    }

    @Test
    void aGetCancelledAfterItTookItsItemAnswersFalseAndCompletesWithIt() {
        AsyncQueue<String> q = AsyncQueue.fifo(0);
        CompletableFuture<String> g = q.get();
        q.putNowait("x"); // no loop: taken and completed at once, inline
        assertFalse(g.cancel(true));
        assertEquals("x", g.getNow(null));
        assertTrue(q.isEmpty());
    }

    @Test
    void cancellationRacingAPutNeverLosesTheItem() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(0);
        try (SyncTesting.Racer racer = new SyncTesting.Racer()) {
            int cancelledWon = 0;
            for (int i = 0; i < SyncTesting.RACE_ROUNDS; i++) {
                CompletableFuture<Integer> g1 = q.get();
                CompletableFuture<Integer> g2 = q.get();
                int item = i;
                racer.race(() -> q.putNowait(item), () -> g1.cancel(true));
                if (g1.isCancelled()) {
                    cancelledWon++;
                    assertEquals(item, g2.getNow(null), "round " + i + ": item lost");
                } else {
                    assertEquals(item, g1.getNow(null));
                    assertTrue(g2.cancel(true));
                }
                assertTrue(q.isEmpty());
                assertEquals(0, q.core.waiterCount());
            }
            assertTrue(cancelledWon > 0, "the race never let the cancellation win");
        }
    }

    @Test
    void cancellationRacingAGetThatAdmitsAPutterNeverLosesOrDoublesTheItem() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        try (SyncTesting.Racer racer = new SyncTesting.Racer()) {
            for (int i = 0; i < SyncTesting.RACE_ROUNDS; i++) {
                q.putNowait(-1);
                CompletableFuture<Void> p = q.put(i);
                AtomicReference<Integer> got = new AtomicReference<>();
                racer.race(() -> got.set(q.getNowait()), () -> p.cancel(true));
                assertEquals(-1, got.get());
                if (p.isCancelled()) {
                    assertTrue(q.isEmpty(), "round " + i + ": a cancelled put's item entered");
                } else {
                    assertTrue(p.isDone());
                    assertEquals(i, q.getNowait());
                }
                assertEquals(0, q.core.waiterCount());
            }
        }
    }

    @Test
    void getOnOneLoopReceivesItemsPutFromAnother() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.fifo(2);
        try (Loop consumer = Loop.create("consumer"); Loop producer = Loop.create("producer")) {
            Task<Integer> sum = consumer.task(() -> sumOf(q, 0, 100));
            Task<Void> put = producer.task(() -> putAll(q, 1, 100));
            assertEquals(5050, await(sum));
            await(put);
        }
    }

    private static CompletableFuture<Integer> sumOf(AsyncQueue<Integer> q, int acc, int left) {
        if (left == 0) return CompletableFuture.completedFuture(acc);
        return q.get().thenCompose(x -> {
            assertTrue(Loop.current().map(l -> l.name().equals("consumer")).orElse(false));
            return sumOf(q, acc + x, left - 1);
        });
    }

    private static CompletableFuture<Void> putAll(AsyncQueue<Integer> q, int from, int to) {
        if (from > to) return CompletableFuture.completedFuture(null);
        return q.put(from).thenComposeAsync(v -> putAll(q, from + 1, to));
    }

    @Test
    void aWorkerPoolWithJoin() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.fifo(4);
        AtomicInteger done = new AtomicInteger();
        Loop.run(() -> {
            List<Task<Void>> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) workers.add(Async.task(() -> work(q, done)));
            return putAll(q, 1, 20).thenCompose(v -> q.join()).thenCompose(v -> {
                for (Task<Void> t : workers) t.cancel();
                return Async.sleep(Duration.ZERO);
            });
        });
        assertEquals(20, done.get());
        assertEquals(0, q.core.unfinishedTasks());
    }

    private static CompletableFuture<Void> work(AsyncQueue<Integer> q, AtomicInteger done) {
        return q.get().thenCompose(x -> Async.sleep(Duration.ofMillis(1))).thenCompose(v -> {
            done.incrementAndGet();
            q.taskDone();
            return work(q, done);
        });
    }

    @Test
    void toStringShowsTheState() {
        AsyncQueue<String> q = AsyncQueue.fifo(10);
        q.putNowait("a");
        assertEquals("AsyncQueue[fifo, size=1, maxsize=10, unfinished=1, getters=0, putters=0]", q.toString());
        q.shutdown();
        assertTrue(q.toString().endsWith(", shut down]"), q.toString());
        assertTrue(AsyncQueue.<Integer>priority(0).toString().startsWith("AsyncQueue[priority"));
        assertSame(q.getClass(), AsyncQueue.lifo(0).getClass());
    }
}

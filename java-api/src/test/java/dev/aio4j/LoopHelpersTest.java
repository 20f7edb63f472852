package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 2 (loops are stack-safe and stay on their loop) in the shapes users write, and the
 * everyday helpers: {@link Async#repeatWhile}, {@link Async#map}, {@link Loop#asScheduledExecutor()}.
 */
class LoopHelpersTest {
    private static final int N = 100_000;

    // ------------------------------------------------------------------ recursion over a queue

    private static CompletionStage<Void> drain(AsyncQueue<Integer> q, AtomicInteger sum, java.util.function.Function<Integer, CompletionStage<Integer>> work) {
        if (q.isEmpty()) return CompletableFuture.completedFuture(null);
        return q.get().thenCompose(work).thenCompose(x -> {
            sum.addAndGet(x);
            return drain(q, sum, work);
        });
    }

    @Test
    void recursionOverAQueueWithCompleteStagesDoesNotOverflowTheStack() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.fifo(0);
        for (int i = 0; i < N; i++) q.putNowait(1);
        AtomicInteger sum = new AtomicInteger();
        Loop.run(() -> drain(q, sum, CompletableFuture::completedFuture));
        assertEquals(N, sum.get());
    }

    @Test
    void recursionStaysOnTheTasksLoopWhenWorkCompletesOnAnotherThread() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "other-thread"));
        try {
            AsyncQueue<Integer> q = AsyncQueue.fifo(0);
            int n = 2_000;
            for (int i = 0; i < n; i++) q.putNowait(1);
            AtomicInteger sum = new AtomicInteger();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            try (Loop loop = Loop.create("home")) {
                Task<Void> task = loop.task(() -> drain(q, sum, x -> CompletableFuture.supplyAsync(() -> x, other)
                        .thenApply(v -> v)).thenApply(v -> {
                            threads.add(Thread.currentThread().getName());
                            return v;
                        }));
                task.get(30, TimeUnit.SECONDS);
            }
            assertEquals(n, sum.get());
            assertEquals(Set.of("aio4j-loop-home"), threads);
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void everyCompositionStepRunsOnTheLoopEvenWhenTheInnerStageCompletesElsewhere() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Loop loop = Loop.create("stay")) {
            List<String> where = new CopyOnWriteArrayList<>();
            Task<String> task = loop.task(() -> Async.sleep(Duration.ofMillis(1))
                    .thenCompose(x -> CompletableFuture.supplyAsync(() -> "v", other))
                    .thenApply(v -> {
                        where.add(Thread.currentThread().getName());
                        return v;
                    }));
            assertEquals("v", task.get(10, TimeUnit.SECONDS));
            assertEquals(List.of("aio4j-loop-stay"), where);
        } finally {
            other.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ repeatWhile

    @Test
    void repeatWhileRunsAHundredThousandCompleteIterationsWithoutGrowingTheStack() throws Exception {
        AtomicInteger count = new AtomicInteger();
        Loop.run(() -> Async.repeatWhile(() -> CompletableFuture.completedFuture(count.incrementAndGet() < N)));
        assertEquals(N, count.get());
    }

    @Test
    void repeatWhileRunsEachStepOnTheCallersLoop() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger count = new AtomicInteger();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Loop loop = Loop.create("repeat")) {
            loop.task(() -> Async.repeatWhile(() -> {
                threads.add(Thread.currentThread().getName());
                return CompletableFuture.supplyAsync(() -> count.incrementAndGet() < 100, other);
            })).get(10, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
        assertEquals(100, count.get());
        assertEquals(Set.of("aio4j-loop-repeat"), threads);
    }

    @Test
    void cancellingRepeatWhileCancelsTheStepInFlightAndRunsNoMore() throws Exception {
        List<CompletableFuture<Boolean>> steps = new CopyOnWriteArrayList<>();
        CountDownLatch third = new CountDownLatch(3);
        AtomicInteger iterations = new AtomicInteger();
        try (Loop loop = Loop.create("repeat-cancel")) {
            Task<Void> task = loop.task(() -> Async.repeatWhile(() -> {
                third.countDown();
                if (iterations.incrementAndGet() < 3) return CompletableFuture.completedFuture(true);
                CompletableFuture<Boolean> f = new CompletableFuture<>();
                steps.add(f);
                return f;
            }));
            assertTrue(third.await(10, TimeUnit.SECONDS));
            Support.awaitTrue(() -> steps.size() == 1);
            assertTrue(task.cancel());
            Support.awaitTrue(() -> steps.get(0).isCancelled()); // the step in flight is cancelled
            Support.sync(loop);
            assertEquals(1, steps.size());
        }
    }

    @Test
    void repeatWhileFailsWithTheFirstFailingStepAndRefusesNull() throws Exception {
        IOException boom = new IOException("boom");
        AtomicInteger count = new AtomicInteger();
        assertSame(boom, assertThrows(IOException.class, () -> Loop.run(() -> Async.repeatWhile(() ->
                count.incrementAndGet() < 3 ? CompletableFuture.completedFuture(true) : CompletableFuture.failedFuture(boom)))));
        assertEquals(3, count.get());
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> Loop.run(() -> Async.repeatWhile(() -> CompletableFuture.completedFuture(null))));
        assertTrue(npe.getMessage().contains("repeatWhile"), npe.getMessage());
        assertThrows(NullPointerException.class, () -> Async.repeatWhile(null));
    }

    // ------------------------------------------------------------------ map

    @Test
    void mapKeepsInputOrderAndNeverExceedsTheConcurrency() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Integer> items = IntStream.range(0, 200).boxed().collect(Collectors.toList());
        List<Integer> out = Loop.run(() -> Async.map(7, items, i -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return Async.sleep(Duration.ofMillis(i % 3), i * 2).whenComplete((v, e) -> inFlight.decrementAndGet());
        }));
        assertEquals(items.stream().map(i -> i * 2).collect(Collectors.toList()), out);
        assertTrue(most.get() <= 7, "in flight at once: " + most.get());
        assertEquals(7, most.get());
    }

    @Test
    void mapOnTheSharedLoopKeepsOrderToo() throws Exception {
        List<Integer> items = IntStream.range(0, 2_000).boxed().collect(Collectors.toList());
        List<Integer> out = Async.map(16, items, i -> Async.sleep(Duration.ZERO, i)).get(30, TimeUnit.SECONDS);
        assertEquals(items, out);
    }

    @Test
    void theFirstFailureOfMapCancelsTheCallsInFlightAndStartsNoMore() throws Exception {
        List<CompletableFuture<Integer>> calls = new CopyOnWriteArrayList<>();
        IOException boom = new IOException("boom");
        try (Loop loop = Loop.create("map-fail")) {
            Task<List<Integer>> task = loop.task(() -> Async.map(3, List.of(1, 2, 3, 4, 5, 6), i -> {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                calls.add(f);
                return f;
            }));
            Support.awaitTrue(() -> calls.size() == 3);
            calls.get(1).completeExceptionally(boom);
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> task.get(10, TimeUnit.SECONDS));
            assertSame(boom, e.getCause());
            Support.awaitTrue(() -> calls.get(0).isCancelled() && calls.get(2).isCancelled());
            Support.sync(loop);
            assertEquals(3, calls.size(), "a call started after the failure");
        }
    }

    @Test
    void cancellingMapCancelsEveryCallInFlight() throws Exception {
        List<CompletableFuture<Integer>> calls = new CopyOnWriteArrayList<>();
        try (Loop loop = Loop.create("map-cancel")) {
            Task<List<Integer>> task = loop.task(() -> Async.map(4, IntStream.range(0, 100).boxed()::iterator, i -> {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                calls.add(f);
                return f;
            }));
            Support.awaitTrue(() -> calls.size() == 4);
            assertTrue(task.cancel());
            Support.awaitTrue(() -> calls.stream().allMatch(CompletableFuture::isCancelled)); // cancellation travels task by task
            Support.sync(loop);
            assertEquals(4, calls.size());
        }
    }

    @Test
    void mapOfNothingIsAnEmptyListAndBadInputIsRefused() throws Exception {
        assertEquals(List.of(), Loop.run(() -> Async.map(2, List.<Integer>of(), i -> Async.sleep(Duration.ZERO, i))));
        assertThrows(IllegalArgumentException.class, () -> Async.map(0, List.of(1), i -> Async.sleep(Duration.ZERO, i)));
        assertThrows(NullPointerException.class, () -> Async.map(1, null, i -> Async.sleep(Duration.ZERO, i)));
        assertThrows(NullPointerException.class, () -> Async.map(1, List.of(1), null));
        Iterable<Integer> broken = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                throw new IllegalStateException("iterator broke");
            }

            @Override
            public Integer next() {
                return 0;
            }
        };
        assertEquals("iterator broke", assertThrows(IllegalStateException.class,
                () -> Loop.run(() -> Async.map(2, broken, i -> Async.sleep(Duration.ZERO, i)))).getMessage());
        assertThrows(NullPointerException.class, () -> Loop.run(() -> Async.map(2, List.of(1), i -> null)));
    }

    // ------------------------------------------------------------------ asScheduledExecutor

    /** The thread a production loop runs on; delays, periods and getDelay, exactly, are in aio4j-test's VirtualScheduledExecutorTest. */
    @Test
    void scheduledCommandsRunOnTheLoopThread() throws Exception {
        try (Loop loop = Loop.create("sched")) {
            ScheduledExecutorService ses = loop.asScheduledExecutor();
            ScheduledFuture<String> f = ses.schedule(() -> Thread.currentThread().getName(), 20, TimeUnit.MILLISECONDS);
            assertEquals("aio4j-loop-sched", f.get(10, TimeUnit.SECONDS));
            assertEquals("aio4j-loop-sched", ses.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void theViewDoesNotOwnTheLoop() throws Exception {
        Loop loop = Loop.create("sched-owner");
        ScheduledExecutorService ses = loop.asScheduledExecutor();
        assertThrows(UnsupportedOperationException.class, ses::shutdown);
        assertThrows(UnsupportedOperationException.class, ses::shutdownNow);
        assertFalse(ses.isShutdown());
        loop.close();
        assertTrue(ses.isShutdown());
        assertTrue(ses.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(ses.isTerminated());
        assertThrows(RejectedExecutionException.class, () -> ses.schedule(() -> { }, 1, TimeUnit.MILLISECONDS));
        assertThrows(RejectedExecutionException.class, () -> ses.execute(() -> { }));
        assertThrows(IllegalArgumentException.class, () -> Loop.shared().asScheduledExecutor().scheduleAtFixedRate(() -> { }, 0, 0, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> Loop.shared().asScheduledExecutor().schedule((Runnable) null, 1, TimeUnit.SECONDS));
        assertNull(Loop.shared().asScheduledExecutor().schedule(() -> null, 0, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
    }
}

package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 10⁴ random compositions (thenCompose, exceptionallyCompose, handle-then-compose, nested tasks,
 * sync-primitive futures, sleeps) cancelled at random points from another thread: afterwards no
 * inner stage is left running, and the loop has no task left.
 */
class CompositionStressTest {
    private static final int N = 10_000 * StressSupport.SCALE;

    /** Every leaf call made; each must end done (completed by the test, or cancelled). */
    private final ConcurrentLinkedQueue<CompletableFuture<Integer>> leaves = new ConcurrentLinkedQueue<>();
    private final AtomicInteger completedByUs = new AtomicInteger();

    private final java.util.Map<CompletableFuture<Integer>, String> shapes = new java.util.concurrent.ConcurrentHashMap<>();

    private CompletionStage<Integer> leaf(SplittableRandom r, String shape) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        leaves.add(f);
        shapes.put(f, shape);
        if (r.nextInt(4) == 0) { // some leaves complete by themselves, on another thread
            CompletableFuture.delayedExecutor(r.nextInt(3), TimeUnit.MILLISECONDS).execute(() -> {
                if (f.complete(1)) completedByUs.incrementAndGet();
            });
        }
        return f;
    }

    private CompletionStage<Integer> compose(SplittableRandom r, int depth, AsyncLock lock, AsyncQueue<Integer> q) {
        return compose(r, depth, lock, q, "");
    }

    private CompletionStage<Integer> compose(SplittableRandom r, int depth, AsyncLock lock, AsyncQueue<Integer> q, String shape) {
        if (depth == 0) return leaf(r, shape);
        SplittableRandom next = r.split();
        int kind = r.nextInt(7);
        String sh = shape + kind;
        return switch (kind) {
            case 0 -> Async.sleep(Duration.ZERO).thenCompose(x -> compose(next, depth - 1, lock, q, sh));
            case 1 -> Async.sleep(Duration.ofMillis(next.nextInt(2))).thenCompose(x -> compose(next, depth - 1, lock, q, sh))
                    .exceptionallyCompose(e -> compose(next.split(), depth - 1, lock, q, sh));
            case 2 -> Async.task(() -> compose(next, depth - 1, lock, q, sh));
            case 3 -> lock.withLock(() -> compose(next, depth - 1, lock, q, sh));
            case 4 -> q.get().thenCompose(item -> Async.sleep(Duration.ZERO).thenCompose(x -> compose(next, depth - 1, lock, q, sh))
                    .whenComplete((v, e) -> q.putNowait(item))); // the item goes back once taken
            case 5 -> Async.sleep(Duration.ZERO).handle((x, e) -> compose(next, depth - 1, lock, q, sh)).thenCompose(f -> f);
            default -> Async.sleep(Duration.ZERO).thenCompose(x -> compose(next, depth - 1, lock, q, sh)).thenApply(v -> v + 1);
        };
    }

    @Test
    void randomCompositionsCancelledAtRandomPointsLeaveNothingRunning() throws Exception {
        SplittableRandom seed = new SplittableRandom(42);
        AsyncLock lock = new AsyncLock();
        AsyncQueue<Integer> q = AsyncQueue.fifo(0);
        for (int i = 0; i < 4; i++) q.putNowait(1);
        AtomicInteger cancelled = new AtomicInteger();
        java.util.concurrent.ExecutorService canceller = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Loop loop = Loop.create("composition-stress")) {
            for (int round = 0; round < N / 100; round++) {
                SplittableRandom r = seed.split();
                List<Task<Integer>> tasks = Support.onLoop(loop, () -> {
                    java.util.ArrayList<Task<Integer>> out = new java.util.ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        SplittableRandom ri = r.split();
                        out.add(Async.task(() -> compose(ri, 1 + ri.nextInt(6), lock, q)));
                    }
                    return out;
                });
                List<java.util.concurrent.Future<?>> cancels = new java.util.ArrayList<>();
                for (Task<Integer> t : tasks) {
                    if (r.nextInt(3) == 0) continue;
                    int spin = r.nextInt(2_000); // a random point in the task's life
                    cancels.add(canceller.submit(() -> {
                        for (int k = 0; k < spin; k++) Thread.onSpinWait();
                        if (t.cancel()) cancelled.incrementAndGet();
                    }));
                }
                for (java.util.concurrent.Future<?> c : cancels) c.get(10, TimeUnit.SECONDS);
                for (Task<Integer> t : tasks) {
                    if (!t.isDone()) t.cancel(); // whatever survived the random cancels ends now
                    Support.awaitDone(t);

                }
            }
            Support.sync(loop);
            // the loop has finished every task (cancelled work included)
            Support.awaitTrue(() -> {
                try {
                    return Support.onLoop(loop, () -> Async.allTasks().isEmpty());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
        canceller.shutdown();
        // no leaf call left running: each completed or was cancelled through its compositions
        // (a leaf that completes by itself does so within milliseconds; a leaked one never does)
        java.util.function.LongSupplier running = () -> leaves.stream().filter(f -> !f.isDone()).count();
        try {
            Support.awaitTrue(() -> running.getAsLong() == 0);
        } catch (AssertionError e) {
            assertEquals(0, running.getAsLong(), "leaf calls left running after their tasks were cancelled; shapes: "
                    + leaves.stream().filter(f -> !f.isDone()).map(shapes::get).limit(10).collect(java.util.stream.Collectors.toList()));
        }
        assertTrue(cancelled.get() > N / 10, "too few cancels landed: " + cancelled.get());
        // the storm happened: the tasks left at the end of each round are cancelled with their leaf in flight
        long leavesCancelled = leaves.stream().filter(CompletableFuture::isCancelled).count();
        assertTrue(leavesCancelled >= N / 20, "leaf calls cancelled: " + leavesCancelled + " of " + leaves.size());
        assertEquals(4, q.size(), "a queue item was lost or duplicated");
        assertTrue(!lock.isLocked(), "the lock was left held");
    }
}

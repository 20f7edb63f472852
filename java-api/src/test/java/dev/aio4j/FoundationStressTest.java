package dev.aio4j;

import static dev.aio4j.Support.FOREVER;
import static dev.aio4j.Support.assertEndsCancelled;
import static dev.aio4j.Support.await;
import static dev.aio4j.Support.awaitDone;
import static dev.aio4j.Support.failureOf;
import static dev.aio4j.Support.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The foundation under load: many tasks, deep chains, wide fan-outs, random cancellation from
 * several threads. Sized by {@code -Dstress.scale=N} (default 1, which finishes in seconds).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FoundationStressTest {
    private static final int SCALE = Integer.getInteger("stress.scale", 1);
    private static final int MANY = 100_000 * SCALE;

    private static <T> T getLong(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(120L * SCALE, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ many tasks

    @Test
    void aHundredThousandTasksGatheredOnLoopRun() throws Exception {
        int n = MANY;
        List<Integer> values = Loop.run(() -> {
            List<Task<Integer>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int v = i;
                tasks.add(Async.task(() -> Async.sleep(Duration.ZERO, v)));
            }
            return Async.gather(tasks);
        });
        assertInOrder(n, values);
    }

    @Test
    void aHundredThousandTasksGatheredOnTheSharedLoop() throws Exception {
        int n = MANY;
        List<Task<Integer>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int v = i;
            tasks.add(Async.task(() -> Async.sleep(Duration.ZERO, v)));
        }
        assertInOrder(n, getLong(Async.gather(tasks)));
    }

    private static void assertInOrder(int n, List<Integer> values) {
        assertEquals(n, values.size());
        for (int i = 0; i < n; i++) {
            if (values.get(i) != i) fail("value " + i + " is " + values.get(i));
        }
    }

    // ------------------------------------------------------------------ random cancellation

    @Test
    void randomCancellationFromSeveralThreadsLeavesNoTaskPendingOnALoop() throws Exception {
        Loop loop = Loop.create("stress-cancel");
        try {
            randomCancellation(loop);
            assertEquals(Set.of(), onLoop(loop, Async::allTasks), "tasks left pending");
        } finally {
            loop.close(); // returns only once every task has finished
        }
    }

    @Test
    void randomCancellationFromSeveralThreadsLeavesNoTaskPendingOnTheSharedLoop() throws Exception {
        randomCancellation(null);
    }

    private static final int KINDS = 6;

    /** Task i of the given kind; its inner task (if any) goes to inner[i]. */
    private static Task<?> make(int i, AtomicReferenceArray<Task<?>> inner) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        Duration d = Duration.ofMillis(rnd.nextInt(10));
        switch (i % KINDS) {
            case 0:
                return Async.sleep(d, i);
            case 1:
                return Async.task(() -> {
                    Task<Integer> s = Async.sleep(d, i);
                    inner.set(i, s);
                    return s;
                });
            case 2: {
                Task<Integer> s = Async.sleep(d, i);
                inner.set(i, s);
                return Async.gather(s, Async.task(() -> Async.sleep(Duration.ZERO, i)));
            }
            case 3:
                return Async.task(() -> {
                    Task<Integer> middle = Async.task(() -> Async.sleep(d, i));
                    inner.set(i, middle);
                    return middle;
                });
            case 4: {
                Task<Integer> s = Async.sleep(d, i);
                inner.set(i, s);
                return Async.waitFor(s, Duration.ofMillis(rnd.nextInt(10)));
            }
            default: {
                Task<Integer> s = Async.sleep(d, i);
                inner.set(i, s);
                return Async.shield(s);
            }
        }
    }

    private static Object expected(int i) {
        return i % KINDS == 2 ? List.of(i, i) : (Object) i;
    }

    private static void randomCancellation(Loop loop) throws Exception {
        int n = 6_000 * SCALE;
        Task<?>[] top = new Task<?>[n];
        AtomicReferenceArray<Task<?>> inner = new AtomicReferenceArray<>(n);
        int cancellers = 4;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (int c = 0; c < cancellers; c++) {
            Thread t = new Thread(() -> {
                await(go);
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try {
                    for (int k = 0; k < n / 3; k++) {
                        int i = rnd.nextInt(n);
                        Task<?> victim = rnd.nextBoolean() ? top[i] : inner.get(i);
                        if (victim == null) continue;
                        if (rnd.nextBoolean()) victim.cancel();
                        else victim.cancel("random " + k);
                    }
                } catch (Throwable e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            }, "canceller-" + c);
            t.start();
            threads.add(t);
        }
        // create in chunks (on the loop thread for a loop), letting the cancellers loose after the first
        int chunk = 500;
        for (int from = 0; from < n; from += chunk) {
            int start = from;
            int end = Math.min(n, from + chunk);
            Runnable create = () -> {
                for (int i = start; i < end; i++) top[i] = make(i, inner);
            };
            if (loop == null) create.run();
            else onLoop(loop, () -> {
                create.run();
                return null;
            });
            if (from == 0) go.countDown();
        }
        for (Thread t : threads) t.join();
        assertEquals(List.of(), errors);

        int values = 0;
        int cancelled = 0;
        for (int i = 0; i < n; i++) {
            Task<?> t = top[i];
            awaitDone(t);
            Task<?> in = inner.get(i);
            if (in != null) awaitDone(in);
            Throwable e = failureOf(t);
            if (e == null) {
                assertEquals(expected(i), t.join(), "task " + i);
                values++;
            } else if (i % KINDS == 4 && e instanceof TimeoutException) {
                if (in != null) assertTrue(in.isCancelled(), "task " + i + " timed out, its stage completed");
            } else {
                assertInstanceOf(CancellationException.class, e, "task " + i + " failed otherwise");
                cancelled++;
            }
            if (in != null) {
                Throwable ie = failureOf(in);
                if (ie == null) {
                    assertEquals(i, in.join(), "inner " + i);
                    // a value that arrived is never lost on the way up, unless the top itself was cancelled
                    int kind = i % KINDS;
                    if ((kind == 1 || kind == 3 || kind == 5) && !t.isCancelled()) {
                        assertEquals(i, t.join(), "task " + i + " lost the value of its inner task");
                    }
                } else {
                    assertInstanceOf(CancellationException.class, ie, "inner " + i);
                }
            }
        }
        assertTrue(values > 0 && cancelled > 0, "values=" + values + " cancelled=" + cancelled + ": the mix was not exercised");
    }

    // ------------------------------------------------------------------ depth and width

    @Test
    void aHundredThousandDeepChainOfTasksAwaitingTasksCompletesOnLoopRun() throws Exception {
        int depth = MANY;
        int r = Loop.run(() -> {
            CompletableFuture<Integer> root = new CompletableFuture<>();
            CompletionStage<Integer> prev = root;
            for (int i = 0; i < depth; i++) {
                CompletionStage<Integer> p = prev;
                prev = Async.task(() -> p);
            }
            CompletionStage<Integer> top = prev;
            return Async.sleep(Duration.ZERO).thenCompose(x -> {
                root.complete(7); // every body has run and awaits the one below
                return top;
            });
        });
        assertEquals(7, r);
    }

    @Test
    void aHundredThousandDeepChainOfTasksAwaitingTasksCompletesOnTheSharedLoop() throws Exception {
        int depth = MANY;
        CompletableFuture<Integer> root = new CompletableFuture<>();
        CompletionStage<Integer> prev = root;
        for (int i = 0; i < depth; i++) {
            CompletionStage<Integer> p = prev;
            prev = Async.task(() -> p);
        }
        root.complete(7);
        assertEquals(7, getLong(prev));
    }

    @Test
    void cancellingTheTopOfAHundredThousandDeepChainReachesTheBottom() throws Exception {
        Loop loop = Loop.create("stress-deep-cancel");
        try {
            int depth = MANY;
            CompletableFuture<Integer> root = new CompletableFuture<>();
            Task<Integer> top = onLoop(loop, () -> {
                CompletionStage<Integer> prev = root;
                for (int i = 0; i < depth; i++) {
                    CompletionStage<Integer> p = prev;
                    prev = Async.task(() -> p);
                }
                return (Task<Integer>) prev;
            });
            Support.sync(loop); // every body has run
            top.cancel();
            awaitDone(getLongDone(root));
            assertTrue(root.isCancelled());
        } finally {
            loop.close();
        }
    }

    private static <T> CompletableFuture<T> getLongDone(CompletableFuture<T> f) throws Exception {
        try {
            f.get(120L * SCALE, TimeUnit.SECONDS);
        } catch (CancellationException | java.util.concurrent.ExecutionException ignored) {
            // done either way
        }
        return f;
    }

    @Test
    void aHundredThousandDependentsOnOneTaskComplete() throws Exception {
        Loop loop = Loop.create("stress-wide");
        try {
            int n = MANY;
            CompletableFuture<Integer> gate = new CompletableFuture<>();
            Task<Integer> root = loop.task(() -> gate);
            List<Task<Integer>> awaiting = onLoop(loop, () -> {
                List<Task<Integer>> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) out.add(Async.task(() -> root));
                return out;
            });
            List<CompletableFuture<Integer>> derived = new ArrayList<>(n);
            for (int i = 0; i < n; i++) derived.add(root.thenApply(x -> x + 1));
            CountDownLatch callbacks = new CountDownLatch(n);
            for (int i = 0; i < n; i++) root.addDoneCallback(t -> callbacks.countDown());
            Support.sync(loop); // every body awaits root
            gate.complete(1);
            for (Task<Integer> t : awaiting) assertEquals(1, getLong(t));
            for (CompletableFuture<Integer> f : derived) assertEquals(2, getLong(f));
            assertTrue(callbacks.await(120L * SCALE, TimeUnit.SECONDS));
        } finally {
            loop.close();
        }
    }

    @Test
    void cancellingATaskWithAHundredThousandDependentsCancelsThemAll() throws Exception {
        int n = MANY;
        Task<Integer> root = Async.sleep(FOREVER, 1);
        List<Task<Integer>> awaiting = new ArrayList<>(n);
        for (int i = 0; i < n; i++) awaiting.add(Async.task(() -> root));
        root.cancel();
        for (Task<Integer> t : awaiting) assertEndsCancelled(t);
    }
}

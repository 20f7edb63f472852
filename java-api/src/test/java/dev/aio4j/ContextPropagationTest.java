package dev.aio4j;

import static dev.aio4j.Support.await;
import static dev.aio4j.Support.done;
import static dev.aio4j.Support.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A context (here a plain ThreadLocal) follows each task, callback and toThread job, and never leaks to a thread. */
class ContextPropagationTest {
    /** The thread-bound context a user has (an MDC, a span): a ThreadLocal. */
    static final ThreadLocal<String> CTX = new ThreadLocal<>();

    /** Propagates {@link #CTX}; remembers what each install found on a thread that runs no step of ours. */
    static final class Propagator implements ContextPropagator<String> {
        final ConcurrentLinkedQueue<String> foundOnWorkers = new ConcurrentLinkedQueue<>();
        final AtomicInteger installs = new AtomicInteger();
        final AtomicInteger restores = new AtomicInteger();

        @Override
        public String capture() {
            return CTX.get();
        }

        @Override
        public Object install(String snapshot) {
            installs.incrementAndGet();
            String prev = CTX.get();
            if (Loop.current().isEmpty()) foundOnWorkers.add(String.valueOf(prev));
            CTX.set(snapshot);
            return prev;
        }

        @Override
        public void restore(Object previous) {
            restores.incrementAndGet();
            CTX.set((String) previous);
        }
    }

    private static LoopOptions with(Propagator p) {
        return LoopOptions.defaults().contextPropagator(p);
    }

    @Test
    void aTaskRunsWithTheContextOfTheCodeThatCreatedItAndTheThreadGetsItsOwnBack() throws Exception {
        Propagator p = new Propagator();
        CTX.set("caller");
        try {
            String seen = Loop.run(with(p), () -> {
                assertEquals("caller", CTX.get());
                CTX.set("main-changed");
                Task<String> child = Async.task(() -> done(CTX.get()));
                Task<String> onThread = Async.toThread(CTX::get);
                CompletableFuture<String> callback = new CompletableFuture<>();
                Loop.current().orElseThrow().callLater(Duration.ofMillis(1), () -> callback.complete(CTX.get()));
                return Async.gather(child, onThread, callback).thenApply(l -> String.join(",", l));
            });
            assertEquals("main-changed,main-changed,main-changed", seen);
            assertEquals("caller", CTX.get(), "the driving thread has its own context back");
            assertEquals(p.installs.get(), p.restores.get());
        } finally {
            CTX.remove();
        }
    }

    @Test
    void interleavedTasksNeverSeeEachOthersContext() throws Exception {
        Propagator p = new Propagator();
        Random random = new Random(42);
        int tasks = 200;
        List<String> wrong = Loop.run(with(p), () -> {
            List<Task<List<String>>> all = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                String mine = "task-" + i;
                int hops = 1 + random.nextInt(5);
                all.add(Async.task(() -> {
                    CTX.set(mine);
                    List<String> bad = new ArrayList<>();
                    return hop(mine, hops, bad).thenApply(x -> bad);
                }));
            }
            return Async.gather(all).thenApply(ls -> ls.stream().flatMap(List::stream).toList());
        });
        assertEquals(List.of(), wrong);
        assertNull(CTX.get());
    }

    private static java.util.concurrent.CompletionStage<Void> hop(String mine, int left, List<String> bad) {
        if (!mine.equals(CTX.get())) bad.add(mine + " saw " + CTX.get());
        if (left == 0) return done(null);
        CompletableFuture<Void> next = Async.sleep(Duration.ZERO).thenCompose(x -> hop(mine, left - 1, bad));
        return left % 2 == 0 ? next : next.thenCompose(x -> Async.toThread(() -> {
            if (!mine.equals(CTX.get())) bad.add(mine + " on a thread saw " + CTX.get());
            return null;
        }));
    }

    @Test
    void aChildGetsACopyAtCreationAndTheParentNeverSeesTheChildsChanges() throws Exception {
        Propagator p = new Propagator();
        List<String> seen = Loop.run(with(p), () -> {
            CTX.set("old");
            Task<String> before = Async.task(() -> done(CTX.get()));
            CTX.set("new");
            Task<String> after = Async.task(() -> done(CTX.get()));
            Task<String> meddler = Async.task(() -> {
                CTX.set("child");
                return done(CTX.get());
            });
            // gather was created by this body: its completion step runs with this body's context
            return Async.gather(before, after, meddler).thenApply(l -> List.of(l.get(0), l.get(1), l.get(2), CTX.get()));
        });
        assertEquals(List.of("old", "new", "child", "new"), seen);
    }

    @Test
    void aStepThatThrowsOrIsCancelledStillRestoresTheThread() throws Exception {
        Propagator p = new Propagator();
        CTX.set("driver");
        try {
            Loop.run(with(p), () -> {
                CTX.set("main");
                Task<Void> throwing = Async.task(() -> {
                    CTX.set("about-to-throw");
                    throw new IllegalStateException("boom");
                });
                Task<Void> cancelled = Async.task(() -> {
                    CTX.set("cancelled");
                    return Async.sleep(Support.FOREVER);
                });
                return Async.sleep(Duration.ZERO).thenCompose(x -> {
                    cancelled.cancel(true);
                    return Async.gatherSettled(List.of(throwing, cancelled));
                }).thenApply(x -> null);
            });
            assertEquals("driver", CTX.get());
        } finally {
            CTX.remove();
        }
    }

    @Test
    void anInterruptedToThreadBodyLeavesItsThreadClean() throws Exception {
        Propagator p = new Propagator();
        CountDownLatch entered = new CountDownLatch(1);
        try (Loop loop = Loop.create("ctx-interrupt", with(p))) {
            Task<Void> job = loop.task(() -> {
                CTX.set("job");
                Task<Void> t = Async.toThread(() -> {
                    entered.countDown();
                    new CountDownLatch(1).await(); // until interrupted
                    return null;
                });
                return t;
            });
            await(entered);
            job.cancel(true);
            Support.awaitDone(job);
            // the next job on a pool thread finds that thread as it was (nothing of "job")
            CTX.remove();
            String next = get(loop.task(() -> Async.toThread(() -> String.valueOf(CTX.get()))));
            assertEquals("null", next);
        }
        for (String found : p.foundOnWorkers) assertEquals("null", found, "a worker thread kept a context: " + p.foundOnWorkers);
    }

    @Test
    void onTheSharedLoopTheContextFollowsTheTaskAcrossWorkers() throws Exception {
        Propagator p = new Propagator();
        Async.registerContextPropagator(p);
        try {
            List<Task<List<String>>> all = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String mine = "shared-" + i;
                CTX.set(mine);
                all.add(Async.task(() -> {
                    List<String> bad = new ArrayList<>();
                    return hop(mine, 6, bad).thenApply(x -> bad);
                }));
            }
            CTX.remove();
            List<List<String>> results = get(Async.gather(all));
            for (List<String> bad : results) assertEquals(List.of(), bad);
            assertTrue(p.installs.get() > 64);
        } finally {
            Async.unregisterContextPropagator(p);
            CTX.remove();
        }
        for (String found : p.foundOnWorkers) assertEquals("null", found, "a thread kept a context: " + p.foundOnWorkers);
    }

    @Test
    void withoutAPropagatorNothingIsCapturedOrInstalled() throws Exception {
        Propagator p = new Propagator();
        try (Loop loop = Loop.create("ctx-none")) {
            CTX.set("not-propagated");
            String seen = get(loop.task(() -> done(String.valueOf(CTX.get()))));
            assertEquals("null", seen);
        } finally {
            CTX.remove();
        }
        assertEquals(0, p.installs.get());
    }

    @Test
    void theContinuationOfALockQueueOrEventFutureRunsWithTheWaitingTasksContext() throws Exception {
        Propagator p = new Propagator();
        AsyncLock lock = new AsyncLock();
        AsyncQueue<Integer> queue = AsyncQueue.fifo(0);
        AsyncEvent event = new AsyncEvent();
        List<String> seen = Loop.run(with(p), () -> {
            lock.acquire(); // held by main: the waiter below waits
            Task<String> locker = Async.task(() -> {
                CTX.set("locker");
                return lock.acquire().thenApply(x -> CTX.get());
            });
            Task<String> getter = Async.task(() -> {
                CTX.set("getter");
                return queue.get().thenApply(x -> CTX.get());
            });
            Task<String> waiter = Async.task(() -> {
                CTX.set("waiter");
                return event.await().thenApply(x -> CTX.get());
            });
            return Async.sleep(Duration.ZERO).thenCompose(x -> {
                CTX.set("releaser");
                lock.release();
                queue.putNowait(1);
                event.set();
                return Async.gather(locker, getter, waiter);
            });
        });
        assertEquals(List.of("locker", "getter", "waiter"), seen);
    }
}

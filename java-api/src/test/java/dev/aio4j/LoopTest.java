package dev.aio4j;

import static dev.aio4j.Support.FOREVER;
import static dev.aio4j.Support.HUGE;
import static dev.aio4j.Support.assertEndsCancelled;
import static dev.aio4j.Support.await;
import static dev.aio4j.Support.block;
import static dev.aio4j.Support.done;
import static dev.aio4j.Support.get;
import static dev.aio4j.Support.onLoop;
import static dev.aio4j.Support.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class LoopTest {
    @Test
    void anInterruptedLoopRunGoesOnWithoutSpinningAndKeepsTheInterruptForItsCaller() throws Exception {
        // Loop.run's rule: an interrupt does not stop the loop. It must not make it spin either (park returns at
        // once while the flag is set): a hung Loop.run under a test's @Timeout (which interrupts) kept a core busy.
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long loopThread = Thread.currentThread().getId();
        try {
            long busyNanos = Loop.run(() -> {
                Thread.currentThread().interrupt();
                // the loop idles while a job elsewhere measures the loop thread's CPU time over half a second
                return Async.toThread(() -> {
                    long before = mx.getThreadCpuTime(loopThread);
                    Thread.sleep(500); // a measuring window, not a synchronisation
                    return mx.getThreadCpuTime(loopThread) - before;
                });
            });
            assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt is kept");
            assertTrue(busyNanos < 100_000_000L, "the idle loop parked instead of spinning: " + busyNanos / 1_000_000 + " ms of CPU in 500 ms");
        } finally {
            Thread.interrupted();
        }
    }

    private Loop loop;
    private Thread loopThread;
    private final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startLoop() throws Exception {
        loop = Loop.create("loop-test");
        loop.setExceptionHandler((message, error) -> reported.add(error));
        loopThread = onLoop(loop, Thread::currentThread);
    }

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    // ------------------------------------------------------------------ run

    @Test
    void runReturnsMainsValue() throws Exception {
        assertEquals(42, Loop.run(() -> Async.sleep(Duration.ofMillis(1), 42)));
    }

    @Test
    void runDrivesTheLoopOnTheCallingThread() throws Exception {
        Thread me = Thread.currentThread();
        assertSame(me, Loop.run(() -> done(Thread.currentThread())));
        assertSame(me, Loop.run(() -> Async.sleep(Duration.ZERO).thenApply(x -> Thread.currentThread())));
    }

    @Test
    void runRethrowsMainsCheckedExceptionUnwrapped() {
        IOException io = new IOException("io");
        assertSame(io, assertThrows(IOException.class, () -> Loop.run(() -> {
            throw io;
        })));
        assertSame(io, assertThrows(IOException.class, () -> Loop.run(() -> CompletableFuture.failedFuture(io))));
        assertSame(io, assertThrows(IOException.class,
                () -> Loop.run(() -> CompletableFuture.failedFuture(new CompletionException(io)))));
        assertSame(io, assertThrows(IOException.class,
                () -> Loop.run(() -> Async.sleep(Duration.ofMillis(1)).thenApply(x -> {
                    throw new CompletionException(io);
                }))));
    }

    @Test
    void runRethrowsAnUncheckedFailureAsItIs() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        assertSame(boom, assertThrows(IllegalArgumentException.class, () -> Loop.run(() -> {
            throw boom;
        })));
    }

    @Test
    void runThrowsCancellationWhenMainIsCancelled() {
        CancellationException e = assertThrows(CancellationException.class, () -> Loop.run(() -> {
            Async.currentTask().orElseThrow().cancel("main gives up");
            return new CompletableFuture<String>();
        }));
        assertEquals("main gives up", e.getMessage());
    }

    @Test
    void runCancelsLeftoversAndAwaitsTheirCleanupOnTheLoopThreadBeforeReturning() throws Exception {
        Thread me = Thread.currentThread();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        List<Thread> cleanupThreads = Collections.synchronizedList(new ArrayList<>());
        List<Task<?>> leftovers = Collections.synchronizedList(new ArrayList<>());
        String r = Loop.run(() -> {
            leftovers.add(Async.task("sleeper", () -> Async.sleep(FOREVER).whenComplete((v, e) -> {
                events.add("sleeper cleanup, cancelled=" + (e instanceof CancellationException));
                cleanupThreads.add(Thread.currentThread());
            })));
            leftovers.add(Async.task("waiter", () -> {
                CompletableFuture<String> awaited = new CompletableFuture<>(); // cancelled with cancel(true)
                awaited.whenComplete((v, e) -> {
                    events.add("waiter cleanup, cancelled=" + (e instanceof CancellationException));
                    cleanupThreads.add(Thread.currentThread());
                });
                return awaited;
            }));
            return Async.sleep(Duration.ZERO, "main done"); // lets the leftovers start
        });
        events.add("run returned " + r);
        assertEquals(Set.of("sleeper cleanup, cancelled=true", "waiter cleanup, cancelled=true"), Set.copyOf(events.subList(0, 2)));
        assertEquals("run returned main done", events.get(2));
        assertEquals(List.of(me, me), cleanupThreads);
        for (Task<?> t : leftovers) assertTrue(t.isCancelled(), t.toString());
    }

    @Test
    void runEndsInOrderMainThenLeftoverCleanupThenReturn() throws Exception {
        Steps steps = new Steps();
        String r = Loop.run(() -> {
            steps.expect(1);
            Async.task(() -> {
                steps.expect(2);
                return Async.sleep(FOREVER).whenComplete((v, e) -> steps.expect(4));
            });
            return Async.sleep(Duration.ZERO).thenApply(x -> {
                steps.expect(3);
                return "main";
            });
        });
        steps.expect(5);
        assertEquals("main", r);
        steps.finish(6);
    }

    @Test
    void runAwaitsBlockingWorkOfLeftoversBeforeReturning() throws Exception {
        AtomicBoolean workReturned = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Loop.run(() -> {
            Async.toThread(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await(); // until interrupted
                } finally {
                    workReturned.set(true);
                }
                return null;
            });
            return Async.toThread(() -> {
                await(started);
                return "main done";
            });
        });
        assertTrue(workReturned.get(), "Loop.run returned before the cancelled thread work had ended");
    }

    @Test
    void runRefusesToNestOnALoopThread() throws Exception {
        IllegalStateException inRun = Loop.run(() -> done(assertThrows(IllegalStateException.class, () -> Loop.run(() -> done(1)))));
        assertTrue(inRun.getMessage().contains("Async.task"), inRun.getMessage());
        assertInstanceOf(IllegalStateException.class,
                onLoop(loop, () -> assertThrows(IllegalStateException.class, () -> Loop.run(() -> done(1)))));
    }

    @Test
    void runChecksItsArgument() {
        assertEquals("main", assertThrows(NullPointerException.class, () -> Loop.run(null)).getMessage());
    }

    @Test
    void theLoopOfRunCannotBeClosedFromAnotherThreadAndIsClosedAfterwards() throws Exception {
        Loop[] inner = new Loop[1];
        IllegalStateException refused = Loop.run(() -> {
            inner[0] = Loop.current().orElseThrow();
            return Async.toThread(() -> assertThrows(IllegalStateException.class, inner[0]::close));
        });
        assertTrue(refused.getMessage().contains("main task"), refused.getMessage());
        assertTrue(inner[0].isClosed());
        assertEquals("loop is closed",
                assertThrows(IllegalStateException.class, () -> inner[0].task(() -> done(1))).getMessage());
    }

    // ------------------------------------------------------------------ create / close

    @Test
    void createStartsALoopOnItsOwnNamedDaemonThread() {
        assertEquals("aio4j-loop-loop-test", loopThread.getName());
        assertTrue(loopThread.isDaemon());
        assertNotSame(Thread.currentThread(), loopThread);
        assertEquals("loop-test", loop.name());
        assertFalse(loop.isClosed());
        assertEquals("name", assertThrows(NullPointerException.class, () -> Loop.create(null)).getMessage());
    }

    @Test
    void closeCancelsPendingTasksAndTheirCleanupRunsOnTheLoopThreadBeforeItReturns() throws Exception {
        Loop l = Loop.create("closing");
        Thread lt = onLoop(l, Thread::currentThread);
        List<Thread> cleanup = Collections.synchronizedList(new ArrayList<>());
        Task<Void> sleeper = l.task(() -> Async.sleep(FOREVER).whenComplete((v, e) -> cleanup.add(Thread.currentThread())));
        Task<String> waiter = l.task(() -> {
            CompletableFuture<String> awaited = new CompletableFuture<>();
            awaited.whenComplete((v, e) -> cleanup.add(Thread.currentThread()));
            return awaited;
        });
        sync(l);
        l.close();
        assertTrue(l.isClosed());
        assertEquals(List.of(lt, lt), cleanup);
        assertTrue(sleeper.isCancelled());
        assertTrue(waiter.isCancelled());
        lt.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(lt.isAlive(), "the loop's thread still runs after close()");
    }

    @Test
    void cleanupThatHopsThroughTheLoopStillRunsWhileTheLoopCloses() throws Exception {
        Loop l = Loop.create("closing-async-cleanup");
        CompletableFuture<Thread> cleanup = new CompletableFuture<>();
        Thread lt = onLoop(l, Thread::currentThread);
        l.task(() -> Async.sleep(FOREVER)
                .whenCompleteAsync((v, e) -> cleanup.complete(Thread.currentThread())) // hops through the loop
                .thenApply(x -> x));
        sync(l);
        l.close();
        assertTrue(cleanup.isDone(), "cleanup scheduled on the loop during close was dropped");
        assertSame(lt, cleanup.getNow(null));
    }

    @Test
    void closeIsIdempotent() throws Exception {
        Loop l = Loop.create("twice");
        l.close();
        l.close();
        assertTrue(l.isClosed());
    }

    @Test
    void closeFromTheLoopsOwnThreadClosesItAfterTheCurrentStep() throws Exception {
        Loop l = Loop.create("self-closing");
        Task<String> pending = l.task(CompletableFuture::new);
        l.callSoon(l::close);
        assertEndsCancelled(pending);
        assertTrue(l.isClosed());
        l.close(); // and once more from outside: waits for the end, returns
    }

    @Test
    void aZeroSleepStillQueuedWhenItsLoopClosesEndsCancelledAndTheLoopStops() throws Exception {
        // a yield takes no registry entry on a production loop: the loop's stop still ends it
        Loop l = Loop.create("closing-with-a-yield");
        AtomicReference<Task<Void>> yield = new AtomicReference<>();
        CountDownLatch stepped = new CountDownLatch(1);
        l.callSoon(() -> {
            yield.set(Async.sleep(Duration.ZERO)); // queued behind this step
            l.close(); // from the loop's own thread: it stops after this step, nothing else being live
            stepped.countDown();
        });
        assertTrue(stepped.await(10, TimeUnit.SECONDS));
        l.close(); // waits for the end
        assertEndsCancelled(yield.get());
        assertTrue(l.isClosed());
    }

    @Test
    void aClosedLoopRefusesNewWork() {
        Loop l = Loop.create("closed");
        l.close();
        List<Executable> uses = List.of(
                () -> l.task(() -> done(1)),
                () -> l.task("named", () -> done(1)),
                () -> l.callSoon(() -> {}),
                () -> l.callLater(Duration.ofMillis(1), () -> {}),
                () -> l.execute(() -> {}),
                () -> l.runUntilComplete(done(1)));
        for (Executable use : uses) {
            assertEquals("loop is closed", assertThrows(IllegalStateException.class, use).getMessage());
        }
    }

    @Test
    void aTaskStartedOnAClosedLoopFromItsCodeIsRefused() throws Exception {
        // Async.task from a callback that runs after close began: the loop refuses it
        Loop l = Loop.create("closing-refuses");
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        l.task(() -> Async.sleep(FOREVER).whenComplete((v, e) -> {
            try {
                Async.task(() -> done(1));
                refused.complete(null);
            } catch (Throwable t) {
                refused.complete(t);
            }
        }));
        sync(l);
        l.close();
        assertInstanceOf(IllegalStateException.class, get(refused));
    }

    // ------------------------------------------------------------------ shared

    @Test
    void theSharedLoopIsOneAndCannotBeClosed() {
        assertSame(Loop.shared(), Loop.shared());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Loop.shared().close());
        assertTrue(e.getMessage().contains("Loop.create"), e.getMessage());
        assertFalse(Loop.shared().isClosed());
        assertEquals("shared", Loop.shared().name());
    }

    // ------------------------------------------------------------------ current

    @Test
    void currentIsEmptyOffLoop() {
        assertEquals(Optional.empty(), Loop.current());
    }

    @Test
    void currentIsTheLoopInsideTaskCode() throws Exception {
        assertEquals(Optional.of(loop), get(loop.task(() -> done(Loop.current()))));
        assertEquals(Optional.of(Loop.shared()), get(Async.task(() -> done(Loop.current()))));
        Loop[] inRun = new Loop[2];
        Loop.run(() -> {
            inRun[0] = Loop.current().orElseThrow();
            inRun[1] = Async.currentTask().orElseThrow().loop();
            return done(null);
        });
        assertSame(inRun[1], inRun[0]);
        assertEquals(Optional.empty(), get(loop.task(() -> Async.toThread(Loop::current))));
    }

    // ------------------------------------------------------------------ task

    @Test
    void taskFromAnotherThreadRunsItsBodyOnTheLoopThread() throws Exception {
        Task<Thread> unnamed = loop.task(() -> done(Thread.currentThread()));
        Task<Thread> named = loop.task("named", () -> done(Thread.currentThread()));
        assertSame(loopThread, get(unnamed));
        assertSame(loopThread, get(named));
        assertEquals("named", named.name());
        assertSame(loop, named.loop());
    }

    @Test
    void taskChecksItsArguments() {
        assertEquals("body", assertThrows(NullPointerException.class, () -> loop.task(null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> loop.task(null, () -> done(1))).getMessage());
        assertEquals("body", assertThrows(NullPointerException.class, () -> loop.task("n", null)).getMessage());
    }

    // ------------------------------------------------------------------ callSoon

    @Test
    void callSoonRunsCallbacksInTheOrderTheyWereScheduled() throws Exception {
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 1000; i++) {
            int n = i;
            loop.callSoon(() -> order.add(n));
        }
        onLoop(loop, () -> {
            for (int i = 1000; i < 2000; i++) {
                int n = i;
                loop.callSoon(() -> order.add(n));
            }
            return null;
        });
        sync(loop);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 2000; i++) expected.add(i);
        assertEquals(expected, order);
    }

    @Test
    void callSoonFromSeveralThreadsKeepsEachThreadsOrder() throws Exception {
        int threads = 4;
        int each = 2000;
        List<List<Integer>> seen = new ArrayList<>();
        for (int t = 0; t < threads; t++) seen.add(new ArrayList<>()); // touched on the loop thread only
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> posters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread poster = new Thread(() -> {
                await(start);
                for (int i = 0; i < each; i++) {
                    int n = i;
                    loop.callSoon(() -> seen.get(id).add(n));
                }
            });
            poster.start();
            posters.add(poster);
        }
        start.countDown();
        for (Thread p : posters) p.join();
        sync(loop);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < each; i++) expected.add(i);
        for (List<Integer> s : onLoop(loop, () -> seen)) assertEquals(expected, s);
    }

    @Test
    void cancellingACallSoonHandlePreventsTheCallback() throws Exception {
        CountDownLatch gate = block(loop);
        AtomicBoolean ran = new AtomicBoolean();
        Handle h = loop.callSoon(() -> ran.set(true));
        assertFalse(h.isCancelled());
        h.cancel();
        h.cancel();
        assertTrue(h.isCancelled());
        gate.countDown();
        sync(loop);
        assertFalse(ran.get());
    }

    @Test
    void callSoonChecksItsArgument() {
        assertEquals("callback", assertThrows(NullPointerException.class, () -> loop.callSoon(null)).getMessage());
    }

    // ------------------------------------------------------------------ callLater

    @Test
    void callLaterWithZeroDelayRunsSoonInOrder() throws Exception {
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        loop.callSoon(() -> order.add(1));
        loop.callLater(Duration.ZERO, () -> order.add(2));
        loop.callSoon(() -> order.add(3));
        sync(loop);
        assertEquals(List.of(1, 2, 3), order);
    }

    @Test
    void callLaterWithAHugeDelayNeverFiresAndCanBeCancelled() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        Handle h = loop.callLater(HUGE, () -> ran.set(true));
        CountDownLatch after = new CountDownLatch(1);
        loop.callLater(Duration.ofMillis(20), after::countDown);
        await(after);
        assertFalse(ran.get(), "a huge delay fired early (overflow?)");
        h.cancel();
        assertTrue(h.isCancelled());
    }

    @Test
    void callLaterChecksItsArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loop.callLater(Duration.ofMillis(-1), () -> {}));
        assertEquals("delay < 0: PT-0.001S", e.getMessage());
        assertEquals("delay", assertThrows(NullPointerException.class, () -> loop.callLater(null, () -> {})).getMessage());
        assertEquals("callback", assertThrows(NullPointerException.class, () -> loop.callLater(Duration.ZERO, null)).getMessage());
    }

    // ------------------------------------------------------------------ runUntilComplete

    @Test
    void runUntilCompleteReturnsTheValueFromAnotherThread() throws Exception {
        assertEquals("v", loop.runUntilComplete(loop.task(() -> Async.sleep(Duration.ofMillis(1), "v"))));
        assertEquals("w", loop.runUntilComplete(done("w")));
    }

    @Test
    void runUntilCompleteRethrowsTheFailureUnwrapped() {
        IOException io = new IOException("io");
        assertSame(io, assertThrows(IOException.class, () -> loop.runUntilComplete(loop.task(() -> {
            throw io;
        }))));
        assertSame(io, assertThrows(IOException.class,
                () -> loop.runUntilComplete(CompletableFuture.failedFuture(new CompletionException(io)))));
    }

    @Test
    void runUntilCompleteThrowsCancellationForACancelledStage() {
        Task<String> t = loop.task(CompletableFuture::new);
        t.cancel("no");
        assertThrows(CancellationException.class, () -> loop.runUntilComplete(t));
    }

    @Test
    void runUntilCompleteIsRefusedOnTheLoopThread() throws Exception {
        IllegalStateException e = onLoop(loop,
                () -> assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(done(1))));
        assertTrue(e.getMessage().contains("deadlock"), e.getMessage());
        assertEquals("stage", assertThrows(NullPointerException.class, () -> loop.runUntilComplete(null)).getMessage());
    }

    // ------------------------------------------------------------------ execute

    @Test
    void executeRunsCommandsOnTheLoopThread() throws Exception {
        assertSame(loopThread, get(CompletableFuture.supplyAsync(Thread::currentThread, loop)));
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<Thread> where = source.thenApplyAsync(x -> Thread.currentThread(), loop);
        source.complete("go");
        assertSame(loopThread, get(where));
    }

    @Test
    void aThrowingCommandGoesToTheExceptionHandlerAndTheLoopGoesOn() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        loop.execute(() -> {
            throw boom;
        });
        loop.callSoon(() -> {
            throw boom;
        });
        sync(loop);
        assertEquals(List.of(boom, boom), reported);
        assertEquals("command", assertThrows(NullPointerException.class, () -> loop.execute(null)).getMessage());
    }

    // ------------------------------------------------------------------ time

    /** What only a production loop's clock does; timer delays measured on it, exactly, are in aio4j-test's VirtualLoopTimeTest. */
    @Test
    void timeIsMonotonicAndIsTheSystemsNanoTime() {
        long a = loop.time();
        long b = loop.time();
        assertTrue(b - a >= 0);
        assertTrue(Math.abs(loop.time() - System.nanoTime()) < TimeUnit.SECONDS.toNanos(1));
    }

    // ------------------------------------------------------------------ exception handler

    @Test
    void exceptionHandlerGetsAThrowingCallbacksFailureAndTheLoopGoesOn() throws Exception {
        List<String> messages = Collections.synchronizedList(new ArrayList<>());
        IllegalStateException boom = new IllegalStateException("boom");
        loop.setExceptionHandler((message, error) -> {
            messages.add(message);
            reported.add(error);
        });
        loop.callSoon(() -> {
            throw boom;
        });
        loop.callLater(Duration.ofMillis(1), () -> {
            throw boom;
        });
        CompletableFuture<String> after = new CompletableFuture<>();
        loop.callLater(Duration.ofMillis(5), () -> after.complete("still running"));
        assertEquals("still running", get(after));
        assertEquals(List.of(boom, boom), reported);
        assertEquals(2, messages.size());
    }

    @Test
    void aThrowingExceptionHandlerDoesNotStopTheLoop() throws Exception {
        loop.setExceptionHandler((message, error) -> {
            throw new IllegalStateException("handler broke");
        });
        loop.callSoon(() -> {
            throw new IllegalStateException("boom");
        });
        assertEquals("ok", get(loop.task(() -> done("ok"))));
        loop.setExceptionHandler(null); // back to System.Logger
        loop.callSoon(() -> {
            throw new IllegalStateException("logged, not thrown");
        });
        assertEquals("ok", get(loop.task(() -> done("ok"))));
    }

    @Test
    void aFailureNobodyRetrievedIsReportedWhenTheTaskIsCollected() throws Exception {
        CompletableFuture<String> message = new CompletableFuture<>();
        loop.setExceptionHandler((m, e) -> {
            if (e instanceof IOException && "lost".equals(e.getMessage())) message.complete(m);
        });
        startAndForgetAFailingTask();
        sync(loop);
        for (int i = 0; i < 100 && !message.isDone(); i++) {
            System.gc();
            try {
                message.get(50, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException notYet) {
                // collect again
            }
        }
        assertTrue(message.isDone(), "an unretrieved failure was never reported");
        assertTrue(message.get().contains("never retrieved"), message.get());
        assertTrue(message.get().contains("forgotten"), message.get());
    }

    private void startAndForgetAFailingTask() {
        loop.task("forgotten", () -> {
            throw new IOException("lost");
        });
    }

    // ------------------------------------------------------------------ one thread

    @Test
    void aSingleThreadedLoopRunsEverythingOnOneThread() throws Exception {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch callbacks = new CountDownLatch(2);
        Task<Integer> t = loop.task(() -> {
            threads.add(Thread.currentThread());
            Task<Integer> child = Async.task(() -> {
                threads.add(Thread.currentThread());
                return Async.sleep(Duration.ofMillis(2), 1);
            });
            child.addDoneCallback(c -> {
                threads.add(Thread.currentThread());
                callbacks.countDown();
            });
            Loop.current().orElseThrow().callLater(Duration.ofMillis(1), () -> {
                threads.add(Thread.currentThread());
                callbacks.countDown();
            });
            return child.thenApply(x -> {
                        threads.add(Thread.currentThread());
                        return x + 1;
                    })
                    .thenCompose(x -> Async.sleep(Duration.ZERO, x))
                    .thenApplyAsync(x -> {
                        threads.add(Thread.currentThread());
                        return x;
                    });
        });
        assertEquals(2, get(t));
        await(callbacks);
        assertEquals(Set.of(loopThread), threads);
    }

    @Test
    void loopRunRunsEverythingOnTheCallingThread() throws Exception {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Loop.run(() -> {
            threads.add(Thread.currentThread());
            Task<Integer> child = Async.task(() -> Async.sleep(Duration.ofMillis(1), 1));
            child.addDoneCallback(c -> threads.add(Thread.currentThread()));
            return child.thenCompose(x -> Async.sleep(Duration.ZERO, x))
                    .whenComplete((v, e) -> threads.add(Thread.currentThread()));
        });
        assertEquals(Set.of(Thread.currentThread()), threads);
    }
}

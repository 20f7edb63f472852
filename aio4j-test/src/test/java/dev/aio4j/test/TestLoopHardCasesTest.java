package dev.aio4j.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.AsyncEvent;
import dev.aio4j.AsyncQueue;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import dev.aio4j.TaskInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The hardest cases of the test loop's contract, one test (or more) each, in its numbering. */
class TestLoopHardCasesTest {
    private static final Duration HOUR = Duration.ofHours(1);

    // 1. auto-jump vs toThread: the hour does not pass while the thread runs
    @Test
    void anHourDoesNotPassWhileAThreadRuns() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            AtomicLong threadDoneAt = new AtomicLong(-1);
            loop.run(() -> {
                Task<Void> thread = Async.toThread(() -> {
                    Thread.sleep(200); // real work that takes real time
                    events.add("thread done");
                    return null;
                });
                CompletableFuture<Void> h = Async.sleep(HOUR).thenRun(() -> events.add("hour passed"));
                CompletableFuture<Void> t = thread.thenRun(() -> threadDoneAt.set(Loop.current().orElseThrow().time()));
                return Async.gather(h, t);
            });
            assertEquals(List.of("thread done", "hour passed"), events);
            assertEquals(0L, threadDoneAt.get(), "the thread took zero virtual time");
            assertEquals(HOUR, loop.now());
        }
    }

    // 2. timers scheduled from other threads while the loop jumps: none lost, none early, none late
    @Test
    void timersFromOtherThreadsWhileTheClockJumps() throws Exception {
        int threads = 8;
        int perThread = 200;
        int total = threads * perThread;
        try (TestLoop loop = TestLoop.create()) {
            Loop l = loop.loop();
            AtomicInteger fired = new AtomicInteger();
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Runnable> checks = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                jobs.add(pool.submit(() -> {
                    go.await();
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = 0; i < perThread; i++) {
                        long d = r.nextLong(1, 50) * 1_000_000L;
                        long before = l.time();
                        AtomicLong firedAt = new AtomicLong(-1);
                        l.callLater(Duration.ofNanos(d), () -> {
                            firedAt.set(l.time());
                            fired.incrementAndGet();
                        });
                        long after = l.time();
                        // the deadline lies in [before + d, after + d]: earlier is a lost timer's early
                        // firing, later a jump past it
                        checks.add(() -> {
                            long at = firedAt.get();
                            if (at < before + d || at > after + d) wrong.add("fired at " + at + ", not in [" + (before + d) + ", " + (after + d) + "]");
                        });
                    }
                    return null;
                }));
            }
            loop.run(() -> {
                go.countDown();
                // a ticker keeps the clock moving (1 ms at a time) until every timer has fired
                return Async.repeatWhile(() -> Async.sleep(Duration.ofMillis(1), fired.get() < total));
            });
            for (Future<?> j : jobs) j.get(30, TimeUnit.SECONDS);
            pool.shutdown();
            loop.runUntilIdle();
            assertEquals(total, fired.get());
            checks.forEach(Runnable::run);
            assertTrue(wrong.isEmpty(), () -> wrong.size() + " wrong: " + wrong.peek());
        }
    }

    // 2, on an idle loop: nothing ready, an hour's timer pending, threads posting short timers. The
    // threads are outside work the loop knows of (toThread jobs), so it must neither jump to the hour
    // while they post nor fire a posted timer anywhere but at its own deadline.
    @Test
    void anIdleLoopWithAFarTimerDoesNotJumpPastTimersPostedFromOtherThreads() throws Exception {
        int threads = 8;
        int perThread = 200;
        int total = threads * perThread;
        Duration hour = Duration.ofHours(1);
        try (TestLoop loop = TestLoop.create()) {
            Loop l = loop.loop();
            AtomicInteger fired = new AtomicInteger();
            AtomicLong lastFiredAt = new AtomicLong(-1);
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            AsyncEvent allFired = new AsyncEvent();
            long hourAt = loop.run(() -> {
                CompletableFuture<Long> far = Async.sleep(hour).thenApply(v -> l.time());
                List<Task<Void>> jobs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    jobs.add(Async.toThread(() -> {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        for (int i = 0; i < perThread; i++) {
                            long d = r.nextLong(1, 50) * 1_000_000L;
                            long postedAt = l.time(); // the clock stands still while jobs run
                            l.callLater(Duration.ofNanos(d), () -> {
                                long at = l.time();
                                if (at != postedAt + d) wrong.add("due at " + (postedAt + d) + ", fired at " + at);
                                lastFiredAt.accumulateAndGet(at, Math::max);
                                if (fired.incrementAndGet() == total) allFired.set();
                            });
                        }
                        return null;
                    }));
                }
                return Async.gather(jobs).thenCompose(v -> allFired.await()).thenCompose(v -> far);
            });
            assertEquals(total, fired.get());
            assertTrue(wrong.isEmpty(), () -> wrong.size() + " fired off their deadline, e.g. " + wrong.peek());
            assertTrue(lastFiredAt.get() < hour.toNanos(), "every posted timer fired before the hour");
            assertEquals(hour.toNanos(), hourAt, "the hour's timer fired at its own deadline, after them");
        }
    }

    // 3. a waitFor whose result arrives at exactly its deadline: the result wins, every time
    @Test
    void waitForTieTheResultWinsTenThousandTimes() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            for (int i = 0; i < 10_000; i++) {
                int n = i;
                String r = loop.run(() -> n % 2 == 0
                        ? Async.waitFor(Async.sleep(Duration.ofSeconds(1), "result"), Duration.ofSeconds(1))
                        // the inner work starts after the timeout was armed, and ends at the same instant
                        : Async.waitFor(Async.task(() -> Async.sleep(Duration.ofSeconds(1), "result")), Duration.ofSeconds(1)));
                assertEquals("result", r, "run " + i);
            }
            assertEquals(Duration.ofSeconds(10_000), loop.now());
        }
    }

    // 4. time arithmetic near the limit
    @Test
    void hugeAdvancesAndSleepsNeitherOverflowNorFireEarly() {
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withAutoAdvance(false))) {
            Task<Void> forever = loop.task(() -> Async.sleep(Duration.ofSeconds(Long.MAX_VALUE)));
            Task<Void> fiftyYears = loop.task(() -> Async.sleep(Duration.ofDays(365L * 50)));
            loop.advanceBy(Duration.ofDays(365L * 50).minusNanos(1));
            assertFalse(fiftyYears.isDone(), "not a nanosecond early");
            loop.advanceBy(Duration.ofNanos(1));
            assertTrue(fiftyYears.isDone());
            loop.advanceBy(Duration.ofSeconds(Long.MAX_VALUE));
            loop.advanceBy(Duration.ofSeconds(Long.MAX_VALUE));
            assertFalse(forever.isDone(), "a sleep of Long.MAX_VALUE seconds never fires");
            assertTrue(loop.now().compareTo(Duration.ofDays(365L * 100)) > 0);
            assertFalse(loop.now().isNegative());
            forever.cancel(true);
            loop.runCurrent();
        }
    }

    // 5. leak reporting with the dump; background tasks are not leaks
    @Test
    void aTaskBlockedOnAnEventIsReportedAsLeakedWithWhatItAwaits() {
        TestLoop loop = TestLoop.create();
        AsyncEvent never = new AsyncEvent();
        Task<Void> stuck = loop.task("stuck", () -> never.await());
        loop.backgroundTask(() -> Async.sleep(HOUR));
        loop.runCurrent();
        LeakedTasksError e = assertThrows(LeakedTasksError.class, loop::close);
        assertEquals(1, e.tasks().size(), e::getMessage);
        TaskInfo info = e.tasks().get(0);
        assertEquals("stuck", info.name());
        assertEquals("AsyncEvent[unset, waiters=1]", info.awaiting());
        assertTrue(e.dump().contains("awaiting AsyncEvent[unset, waiters=1]"), e.dump());
        assertTrue(stuck.isCancelled(), "the leaked task was cancelled");
        loop.close(); // idempotent
    }

    // 6. a failure nobody retrieved is reported at close, deterministically; an observed one is not
    @Test
    void anUnretrievedFailureIsReportedAtClose() {
        TestLoop loop = TestLoop.create();
        loop.task(() -> CompletableFuture.failedFuture(new IOException("lost")));
        loop.runUntilIdle();
        AssertionError e = assertThrows(AssertionError.class, loop::close);
        assertInstanceOf(IOException.class, e.getCause());
        assertTrue(e.getMessage().contains("never retrieved"), e.getMessage());
    }

    @Test
    void anObservedFailureIsNotReported() {
        try (TestLoop loop = TestLoop.create()) {
            Task<Object> t = loop.task(() -> CompletableFuture.failedFuture(new IOException("seen")));
            loop.runUntilIdle();
            assertInstanceOf(IOException.class, t.exception());
        }
    }

    // 7. deadlock detection has no false positives
    @Test
    void aFutureCompletedLaterByAnotherThreadIsNoDeadlock() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            CompletableFuture<String> later = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(100); // the other system's latency
                } catch (InterruptedException e) {
                    return;
                }
                later.complete("late");
            });
            t.start();
            assertEquals("late", loop.run(() -> later));
            assertEquals(Duration.ZERO, loop.now());
            t.join();
        }
    }

    @Test
    void workOnTheSharedLoopIsNoDeadlock() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            int r = loop.run(() -> Loop.shared().task(() -> Async.toThread(() -> {
                Thread.sleep(100);
                return 7;
            })));
            assertEquals(7, r);
        }
    }

    @Test
    void aQueueFedByAThreadIsNoDeadlock() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            AsyncQueue<Integer> q = AsyncQueue.fifo(0);
            int sum = loop.run(() -> {
                Async.toThread(() -> {
                    for (int i = 1; i <= 20; i++) {
                        Thread.sleep(5);
                        q.putNowait(i);
                    }
                    return null;
                });
                int[] acc = {0, 0};
                return Async.repeatWhile(() -> q.get().thenApply(x -> {
                    acc[0] += x;
                    return ++acc[1] < 20;
                })).thenApply(v -> acc[0]);
            });
            assertEquals(210, sum);
        }
    }

    @Test
    void aRealDeadlockIsReportedAtOnceWithADump() {
        try (TestLoop loop = TestLoop.create()) {
            AsyncEvent never = new AsyncEvent();
            TestLoopDeadlockError e = assertThrows(TestLoopDeadlockError.class, () -> loop.run(() -> never.await()));
            assertTrue(e.dump().contains("Task[main] PENDING"), e.dump());
            assertTrue(e.dump().contains("AsyncEvent[unset, waiters=1]"), e.dump());
            assertThrows(LeakedTasksError.class, loop::close); // main is still pending
        }
    }

    @Test
    void twoTasksAwaitingEachOtherAreADeadlockAndTheDumpShowsBoth() {
        try (TestLoop loop = TestLoop.create()) {
            AsyncEvent started = new AsyncEvent();
            List<Task<Object>> holder = new ArrayList<>();
            TestLoopDeadlockError e = assertThrows(TestLoopDeadlockError.class, () -> loop.run(() -> {
                Task<Object> a = Async.task("a", () -> started.await().thenCompose(x -> holder.get(0)));
                Task<Object> b = Async.task("b", () -> a);
                holder.add(b);
                started.set();
                return b;
            }));
            assertTrue(e.dump().contains("Task[b] PENDING"), e.dump());
            assertTrue(e.dump().contains("awaiting Task[a]"), e.dump());
            assertThrows(LeakedTasksError.class, loop::close);
        }
    }

    @Test
    void withoutAutoAdvanceWaitingForATimerFailsInsteadOfHanging() {
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withAutoAdvance(false))) {
            TestLoopDeadlockError e = assertThrows(TestLoopDeadlockError.class, () -> loop.run(() -> Async.sleep(HOUR)));
            assertTrue(e.getMessage().contains("advance the clock"), e.getMessage());
            loop.advanceBy(HOUR);
            assertEquals(HOUR, loop.now());
        }
    }

    @Test
    void aTaskThatNeverLetsTimeMoveRunsOutOfSteps() {
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withMaxStepsPerInstant(1_000))) {
            AssertionError e = assertThrows(AssertionError.class,
                    () -> loop.run(() -> Async.repeatWhile(() -> Async.sleep(Duration.ZERO, true))));
            assertTrue(e.getMessage().contains("steps"), e.getMessage());
            assertTrue(e.getMessage().contains("Task[main] PENDING"), e.getMessage());
            assertThrows(LeakedTasksError.class, loop::close);
        }
    }

    @Test
    void outsideWorkThatNeverEndsRunsIntoTheWallClock() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withWallClockTimeout(Duration.ofMillis(300)))) {
            AssertionError e = assertThrows(AssertionError.class, () -> loop.run(() -> Async.toThread(() -> {
                release.await();
                return null;
            })));
            assertTrue(e.getMessage().contains("real time"), e.getMessage());
            assertTrue(e.getMessage().contains("1 outside jobs outstanding"), e.getMessage());
            release.countDown(); // close() lets the job end (in real time), so nothing leaks

        }
    }

    // 8. helpers called on the driver thread outside run
    @Test
    void aHelperCalledOnTheDriverThreadOutsideRunIsRefusedWithAHint() {
        try (TestLoop loop = TestLoop.create()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Async.sleep(Duration.ofSeconds(1)));
            assertTrue(e.getMessage().contains("TestLoop"), e.getMessage());
            assertTrue(e.getMessage().contains("run("), e.getMessage());
            assertEquals(0, loop.pendingTasks().size());
        }
    }

    // threads and re-entrancy
    @Test
    void drivingFromATaskOrAnotherThreadIsRefused() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            IllegalStateException inTask = assertThrows(IllegalStateException.class,
                    () -> loop.run(() -> {
                        loop.advanceBy(Duration.ofSeconds(1));
                        return null;
                    }));
            assertEquals("advance from inside a task would re-enter the loop", inTask.getMessage());
            CompletableFuture<Throwable> other = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    loop.runUntilIdle();
                    other.complete(null);
                } catch (Throwable x) {
                    other.complete(x);
                }
            });
            t.start();
            assertInstanceOf(IllegalStateException.class, other.get(10, TimeUnit.SECONDS));
        }
    }

    // 9. many test loops in parallel with conflicting times do not interfere
    @Test
    void eightLoopsInParallelKeepTheirOwnTime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Duration>> results = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                int hours = i;
                results.add(pool.submit(() -> {
                    try (TestLoop loop = TestLoop.create()) {
                        for (int k = 0; k < 200; k++) {
                            loop.run(() -> Async.gather(Async.sleep(Duration.ofHours(hours)), Async.sleep(Duration.ofMinutes(hours))));
                        }
                        return loop.now();
                    }
                }));
            }
            for (int i = 1; i <= 8; i++) assertEquals(Duration.ofHours(200L * i), results.get(i - 1).get(60, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }
}

package dev.aio4j.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import dev.aio4j.TaskInfo;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The everyday behaviour of TestLoop: what is virtual, the order of timers, driving, inspection, close. */
class TestLoopTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    private static long loopTime() {
        return Loop.current().orElseThrow().time();
    }

    /** Completes {@code f} with {@code value} from another thread after a real pause (another system's latency). */
    private static <T> void completeLater(CompletableFuture<T> f, T value) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            f.complete(value);
        });
        t.setDaemon(true);
        t.start();
    }

    @Test
    void theLoopsClockIsVirtualAndStartsAtZero() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            List<Long> times = loop.run(() -> {
                long t0 = loopTime();
                return Async.sleep(Duration.ofMinutes(90)).thenApply(x -> List.of(t0, loopTime()));
            });
            assertEquals(List.of(0L, Duration.ofMinutes(90).toNanos()), times);
            assertEquals(Duration.ofMinutes(90), loop.now());
            assertEquals(Duration.ofMinutes(90).toNanos(), loop.loop().time());
        }
    }

    @Test
    void insideItsTasksTheCurrentLoopIsTheTestLoop() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            Loop seen = loop.run(() -> CompletableFuture.completedFuture(Loop.current().orElseThrow()));
            assertSame(loop.loop(), seen);
        }
    }

    @Test
    void sleepsWakeInDeadlineOrderAndTiesInTheOrderTheyWereScheduled() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            loop.run(() -> Async.gather(
                    Async.sleep(Duration.ofSeconds(3)).thenRun(() -> order.add("c3")),
                    Async.sleep(Duration.ofSeconds(1)).thenRun(() -> order.add("a1")),
                    Async.sleep(Duration.ofSeconds(2)).thenRun(() -> order.add("b2")),
                    Async.sleep(Duration.ofSeconds(1)).thenRun(() -> order.add("a1'"))));
            assertEquals(List.of("a1", "a1'", "b2", "c3"), order);
            assertEquals(Duration.ofSeconds(3), loop.now());
        }
    }

    @Test
    void timersOfDifferentDelaysDueAtOneInstantFireInTheOrderTheyWereScheduled() {
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withAutoAdvance(false))) {
            List<String> order = new ArrayList<>();
            loop.loop().callLater(Duration.ofSeconds(2), () -> order.add("scheduled first, 2 s"));
            loop.advanceBy(SECOND);
            loop.loop().callLater(SECOND, () -> order.add("scheduled second, 1 s"));
            loop.advanceBy(SECOND);
            assertEquals(List.of("scheduled first, 2 s", "scheduled second, 1 s"), order);
        }
    }

    @Test
    void timeoutsAreVirtual() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            Task<?> slow = loop.task(() -> Async.sleep(Duration.ofDays(1)));
            TimeoutException e = assertThrows(TimeoutException.class,
                    () -> loop.run(() -> Async.waitFor(slow, Duration.ofHours(2))));
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertTrue(slow.isCancelled(), "waitFor cancelled what it waited for");
            assertEquals(Duration.ofHours(2), loop.now());
            assertThrows(TimeoutException.class, () -> loop.run(() -> Async.timeout(Duration.ofMinutes(5),
                    () -> Async.sleep(Duration.ofMinutes(6)))));
            assertEquals(Duration.ofHours(2).plusMinutes(5), loop.now());
        }
    }

    @Test
    void aKotlinDelayInASuspendCallIsVirtual() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            // kotlinx's delay(ms) called as Kotlin compiles it: the loop's dispatcher times it
            Object r = loop.run(() -> Async.<Object>fromSuspend(c -> kotlinx.coroutines.DelayKt.delay(3_600_000L, c)));
            assertEquals(kotlin.Unit.INSTANCE, r);
            assertEquals(Duration.ofHours(1), loop.now());
        }
    }

    @Test
    void waitAndAsCompletedTimeoutsAreVirtual() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            var done = loop.run(() -> {
                Task<Void> fast = Async.sleep(Duration.ofMinutes(1));
                Task<Void> slow = Async.sleep(Duration.ofMinutes(10));
                return Async.wait(List.of(fast, slow), dev.aio4j.ReturnWhen.ALL_COMPLETED, Duration.ofMinutes(3))
                        .thenApply(d -> {
                            slow.cancel(true);
                            return d;
                        });
            });
            assertEquals(1, done.done().size());
            assertEquals(1, done.pending().size());
            assertEquals(Duration.ofMinutes(3), loop.now());
            List<Long> at = loop.run(() -> {
                List<Task<Object>> in = Async.asCompleted(List.of(Async.sleep(Duration.ofMinutes(1), (Object) "x"),
                        Async.sleep(Duration.ofHours(1), (Object) "y")), Duration.ofMinutes(30));
                List<Long> times = Collections.synchronizedList(new ArrayList<>());
                return in.get(0).thenRun(() -> times.add(loopTime()))
                        .thenCompose(x -> in.get(1).handle((v, err) -> {
                            times.add(loopTime());
                            return times;
                        }));
            });
            assertEquals(List.of(Duration.ofMinutes(4).toNanos(), Duration.ofMinutes(33).toNanos()), at);
            loop.runUntilIdle(); // asCompleted's timeout leaves its inputs running (asyncio's rule): let the hour pass
            assertEquals(Duration.ofMinutes(63), loop.now());
        }
    }

    @Test
    void aForeignFutureTakesZeroVirtualTimeAndHoldsTheClock() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            CompletableFuture<String> remote = new CompletableFuture<>();
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            String r = loop.run(() -> {
                Async.task(() -> Async.sleep(Duration.ofHours(1)).thenRun(() -> events.add("an hour")));
                completeLater(remote, "reply");
                // composed onto a loop stage and awaited under a long timeout: both count as outside work
                return Async.waitFor(Async.sleep(Duration.ZERO).thenCompose(x -> remote), Duration.ofHours(2))
                        .thenApply(v -> {
                            events.add("reply at " + loopTime());
                            return v;
                        });
            });
            assertEquals("reply", r);
            assertEquals(List.of("reply at 0"), events);
            assertEquals(Duration.ZERO, loop.now());
            loop.runUntilIdle();
            assertEquals(List.of("reply at 0", "an hour"), events);
        }
    }

    @Test
    void runUntilIdleFiresEveryTimerAndStopsAtTheLast() {
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withAutoAdvance(false))) {
            Task<String> a = loop.task(() -> Async.sleep(Duration.ofMinutes(5), "a"));
            Task<String> b = loop.task(() -> Async.sleep(Duration.ofMinutes(50), "b"));
            loop.runUntilIdle();
            assertEquals("a", a.getNow(null));
            assertEquals("b", b.getNow(null));
            assertEquals(Duration.ofMinutes(50), loop.now());
        }
    }

    @Test
    void advanceToAndAdvanceByRefuseToGoBack() {
        try (TestLoop loop = TestLoop.create()) {
            loop.advanceTo(Duration.ofSeconds(10));
            assertEquals(Duration.ofSeconds(10), loop.now());
            assertThrows(IllegalArgumentException.class, () -> loop.advanceTo(Duration.ofSeconds(9)));
            assertThrows(IllegalArgumentException.class, () -> loop.advanceBy(Duration.ofSeconds(-1)));
            loop.advanceTo(Duration.ofSeconds(10)); // standing still is fine
            assertEquals(Duration.ofSeconds(10), loop.now());
        }
    }

    @Test
    void runCurrentRunsReadyWorkWithoutMovingTheClock() {
        try (TestLoop loop = TestLoop.create()) {
            List<String> order = new ArrayList<>();
            Task<Void> later = loop.task(() -> Async.sleep(SECOND).thenRun(() -> order.add("later")));
            loop.task(() -> Async.sleep(Duration.ZERO).thenRun(() -> order.add("now")));
            loop.runCurrent();
            assertEquals(List.of("now"), order);
            assertEquals(Duration.ZERO, loop.now());
            assertFalse(later.isDone());
            loop.advanceBy(SECOND);
            assertEquals(List.of("now", "later"), order);
        }
    }

    @Test
    void theInstantSourceMovesWithTheVirtualClock() {
        try (TestLoop loop = TestLoop.create()) {
            InstantSource clock = loop.instantSource();
            assertEquals(Instant.EPOCH, clock.instant());
            loop.advanceBy(Duration.ofDays(2));
            assertEquals(Instant.EPOCH.plus(Duration.ofDays(2)), clock.instant());
            assertEquals(Duration.ofDays(2).toMillis(), clock.millis());
        }
    }

    @Test
    void aLongLoopOfShortSleepsIsNotStuckBecauseTimeMoves() throws Exception {
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withMaxStepsPerInstant(100))) {
            int[] n = {0};
            loop.run(() -> Async.repeatWhile(() -> Async.sleep(Duration.ofMillis(1), ++n[0] < 10_000)));
            assertEquals(10_000, n[0]);
            assertEquals(Duration.ofSeconds(10), loop.now());
        }
    }

    @Test
    void pendingTasksSayWhatEachAwaits() {
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withAutoAdvance(false))) {
            Task<Void> sleeper = loop.task("sleeper", () -> Async.sleep(Duration.ofMinutes(1)));
            loop.runCurrent();
            List<TaskInfo> pending = loop.pendingTasks();
            TaskInfo s = pending.stream().filter(i -> i.name().equals("sleeper")).findFirst().orElseThrow();
            assertEquals(TaskInfo.State.PENDING, s.state());
            assertTrue(s.awaiting().startsWith("Task["), s.awaiting());
            assertTrue(loop.dump().contains("Task[sleeper] PENDING"), loop.dump());
            loop.advanceBy(Duration.ofSeconds(20));
            TaskInfo aged = loop.pendingTasks().stream().filter(i -> i.name().equals("sleeper")).findFirst().orElseThrow();
            assertEquals(Duration.ofSeconds(20), aged.age());
            loop.advanceBy(Duration.ofMinutes(1));
            assertTrue(sleeper.isDone());
            assertTrue(loop.pendingTasks().isEmpty());
        }
    }

    @Test
    void strictTimersReportCallbacksStillPendingAtClose() {
        TestLoop strict = TestLoop.create(TestLoopOptions.defaults().withStrictTimers(true));
        strict.loop().callLater(Duration.ofHours(1), () -> {});
        AssertionError e = assertThrows(AssertionError.class, strict::close);
        assertTrue(e.getMessage().contains("callLater"), e.getMessage());

        TestLoop lenient = TestLoop.create();
        lenient.loop().callLater(Duration.ofHours(1), () -> {});
        lenient.close(); // not reported without strictTimers
    }

    @Test
    void aBackgroundTasksUnretrievedFailureIsStillReported() {
        TestLoop loop = TestLoop.create();
        loop.backgroundTask(() -> Async.sleep(SECOND).thenCompose(x -> CompletableFuture.failedFuture(new IOException("bg"))));
        loop.runUntilIdle();
        AssertionError e = assertThrows(AssertionError.class, loop::close);
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void afterCloseTheLoopRefusesWorkAndTheThreadIsFreeAgain() throws Exception {
        TestLoop loop = TestLoop.create();
        assertThrows(IllegalStateException.class, () -> loop.loop().close(), "its loop closes with the test loop");
        loop.close();
        loop.close();
        assertThrows(IllegalStateException.class, () -> loop.run(() -> null));
        assertThrows(IllegalStateException.class, () -> loop.task(() -> null));
        assertTrue(loop.loop().isClosed());
        // the thread is an ordinary thread again: helpers use the shared loop, and a new test loop may start
        assertEquals("x", Async.sleep(Duration.ZERO, "x").get());
        try (TestLoop next = TestLoop.create()) {
            assertNotSame(loop.loop(), next.loop());
            assertEquals(Duration.ZERO, next.now());
        }
    }

    @Test
    void twoTestLoopsOnOneThreadKeepTheirOwnClocks() throws Exception {
        TestLoop forgotten = TestLoop.create(); // a test that forgot to close its loop must not break the next one
        forgotten.run(() -> Async.sleep(Duration.ofHours(5)));
        try (TestLoop loop = TestLoop.create()) {
            assertEquals(List.of(0L, SECOND.toNanos()), loop.run(() -> {
                long t0 = loopTime();
                return Async.sleep(SECOND).thenApply(x -> List.of(t0, loopTime()));
            }));
            assertEquals(Duration.ofHours(5).plusMinutes(1), forgotten.run(() -> Async.sleep(Duration.ofMinutes(1))
                    .thenApply(x -> Duration.ofNanos(loopTime()))));
            assertEquals(SECOND, loop.now());
        }
        forgotten.close();
    }

    @Test
    void aFailureOfMainIsRethrownUnwrapped() {
        try (TestLoop loop = TestLoop.create()) {
            IOException e = assertThrows(IOException.class,
                    () -> loop.run(() -> Async.sleep(SECOND).thenCompose(x -> CompletableFuture.failedFuture(new IOException("boom")))));
            assertEquals("boom", e.getMessage());
        }
    }

    @Test
    void badOptionsAndArgumentsAreRefusedWithTheirName() {
        assertThrows(NullPointerException.class, () -> new TestLoopOptions(true, null, 1, false));
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> TestLoopOptions.defaults().withWallClockTimeout(Duration.ZERO));
        assertTrue(zero.getMessage().contains("wallClockTimeout"), zero.getMessage());
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class,
                () -> TestLoopOptions.defaults().withMaxStepsPerInstant(0));
        assertTrue(steps.getMessage().contains("maxStepsPerInstant"), steps.getMessage());
        assertThrows(NullPointerException.class, () -> TestLoop.create(null));
        assertThrows(NullPointerException.class, () -> TestLoop.create(TestLoopOptions.defaults(), null));
        assertThrows(NullPointerException.class, () -> TestLoop.create(null, dev.aio4j.DebugOptions.off()));
        try (TestLoop loop = TestLoop.create()) {
            assertThrows(NullPointerException.class, () -> loop.run(null));
            assertThrows(NullPointerException.class, () -> loop.task(null));
            assertThrows(NullPointerException.class, () -> loop.advanceBy(null));
            assertThrows(NullPointerException.class, () -> loop.advanceTo(null));
        }
    }
}

package dev.aio4j.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The guards of every driving call and of close: the wall-clock timeout (outside work that never
 * ends), the step budget (work that never lets time move), and the failures reported at close.
 */
class TestLoopGuardsTest {
    private static final Duration WALL = Duration.ofMillis(300);

    /** A toThread job that ends only when {@code release} is counted down, whatever interrupts it. */
    private static CompletableFuture<Void> stuckJob(CountDownLatch release) {
        return Async.toThread(() -> {
            boolean interrupted = false;
            while (true) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // a job that ignores cancellation: it ends when released
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            return null;
        });
    }

    private static void assertWallClockFailureWithDump(Consumer<TestLoop> drive) {
        CountDownLatch release = new CountDownLatch(1);
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withWallClockTimeout(WALL))) {
            try {
                loop.task("stuck", () -> stuckJob(release));
                AssertionError e = assertThrows(AssertionError.class, () -> drive.accept(loop));
                assertTrue(e.getMessage().contains("of real time"), e.getMessage());
                assertTrue(e.getMessage().contains("Task[stuck] PENDING"), e.getMessage()); // the dump
                assertTrue(e.getMessage().contains("1 outside jobs outstanding"), e.getMessage());
            } finally {
                release.countDown(); // close() lets the job end, so the task ends and nothing leaks
            }
        }
    }

    @Test
    void advanceByFailsAfterTheWallClockTimeoutWithADump() {
        assertWallClockFailureWithDump(loop -> loop.advanceBy(Duration.ofSeconds(1)));
    }

    @Test
    void advanceToFailsAfterTheWallClockTimeoutWithADump() {
        assertWallClockFailureWithDump(loop -> loop.advanceTo(Duration.ofSeconds(1)));
    }

    @Test
    void runUntilIdleFailsAfterTheWallClockTimeoutWithADump() {
        assertWallClockFailureWithDump(TestLoop::runUntilIdle);
    }

    @Test
    void closeFailsOnceAfterTheWallClockTimeoutWithADump() {
        Duration wall = Duration.ofSeconds(2);
        CountDownLatch release = new CountDownLatch(1);
        try {
            TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withWallClockTimeout(wall));
            loop.task("stuck", () -> stuckJob(release));
            loop.runCurrent();
            long t0 = System.nanoTime();
            LeakedTasksError e = assertThrows(LeakedTasksError.class, loop::close);
            long took = System.nanoTime() - t0;
            assertEquals("stuck", e.tasks().get(0).name());
            List<Throwable> closing = Arrays.stream(e.getSuppressed())
                    .filter(s -> String.valueOf(s.getMessage()).startsWith("while closing")).toList();
            assertEquals(1, closing.size(), () -> Arrays.toString(e.getSuppressed()));
            String m = closing.get(0).getMessage();
            assertTrue(m.contains("of real time"), m);
            assertTrue(m.contains("Task[stuck] PENDING"), m); // the dump
            // one budget for the whole close, not one for settling and another for shutting down
            assertTrue(took < wall.toNanos() * 2 - Duration.ofMillis(500).toNanos(), "close took " + Duration.ofNanos(took));
        } finally {
            release.countDown();
        }
    }

    private static void assertStepBudgetFailureWithDump(Consumer<TestLoop> drive) {
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withMaxStepsPerInstant(1_000))) {
            loop.task("spinner", () -> Async.repeatWhile(() -> Async.sleep(Duration.ZERO, true)));
            AssertionError e = assertThrows(AssertionError.class, () -> drive.accept(loop));
            assertTrue(e.getMessage().contains("more than 1000 steps at 0s"), e.getMessage());
            assertTrue(e.getMessage().contains("Task[spinner] PENDING"), e.getMessage()); // the dump
            assertEquals(Duration.ZERO, loop.now(), "time did not move");
            assertThrows(LeakedTasksError.class, loop::close); // the spinner is still pending
        }
    }

    @Test
    void advanceByRunsOutOfStepsWithADump() {
        assertStepBudgetFailureWithDump(loop -> loop.advanceBy(Duration.ofSeconds(1)));
    }

    @Test
    void advanceToRunsOutOfStepsWithADump() {
        assertStepBudgetFailureWithDump(loop -> loop.advanceTo(Duration.ofSeconds(1)));
    }

    @Test
    void runUntilIdleRunsOutOfStepsWithADump() {
        assertStepBudgetFailureWithDump(TestLoop::runUntilIdle);
    }

    @Test
    void ofSeveralUnretrievedFailuresTheFirstIsTheCauseAndTheOthersAreSuppressed() {
        TestLoop loop = TestLoop.create();
        IOException first = new IOException("first");
        IOException second = new IOException("second");
        IllegalStateException third = new IllegalStateException("third");
        loop.task(() -> CompletableFuture.failedFuture(first));
        loop.task(() -> CompletableFuture.failedFuture(second));
        loop.task(() -> CompletableFuture.failedFuture(third));
        loop.runUntilIdle();
        AssertionError e = assertThrows(AssertionError.class, loop::close);
        assertTrue(e.getMessage().contains("never retrieved"), e.getMessage());
        assertTrue(e.getMessage().contains("and 2 more, suppressed"), e.getMessage());
        assertEquals(first, e.getCause());
        assertEquals(List.of(second, third), Arrays.asList(e.getSuppressed()));
        loop.close(); // idempotent: reported once
    }

    @Test
    void anUnretrievedFailureIsReportedUnderALeakAsSuppressed() {
        TestLoop loop = TestLoop.create();
        IOException lost = new IOException("lost");
        loop.task(() -> CompletableFuture.failedFuture(lost));
        loop.task("forgotten", () -> new CompletableFuture<Void>());
        loop.runCurrent();
        LeakedTasksError e = assertThrows(LeakedTasksError.class, loop::close);
        Throwable s = Arrays.stream(e.getSuppressed()).filter(x -> x.getCause() == lost).findFirst()
                .orElseThrow(() -> new AssertionError(Arrays.toString(e.getSuppressed())));
        assertInstanceOf(AssertionError.class, s);
    }
}

package dev.aio4j.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.Task;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The end of the virtual clock (about 146 years): the clock stops there, a timer it could only
 * reach later never fires (as a huge sleep never does), and nothing spins.
 */
class TestLoopEndOfTimeTest {
    /** Where the clock stops. */
    private static final Duration END = Duration.ofNanos(Long.MAX_VALUE >> 1);
    private static final Duration CENTURY = Duration.ofDays(36_525);

    /** Short: a run that spins instead of ending fails with a wall-clock error, not a deadlock. */
    private static TestLoopOptions options() {
        return TestLoopOptions.defaults().withWallClockTimeout(Duration.ofSeconds(20));
    }

    @Test
    void theClockStopsAtItsEnd() {
        try (TestLoop loop = TestLoop.create(options())) {
            // advanceBy takes at most about 73 years at a time
            loop.advanceBy(Duration.ofSeconds(Long.MAX_VALUE));
            loop.advanceBy(Duration.ofSeconds(Long.MAX_VALUE));
            loop.advanceBy(Duration.ofSeconds(Long.MAX_VALUE));
            assertEquals(END, loop.now());
            loop.advanceBy(Duration.ofSeconds(1));
            assertEquals(END, loop.now());
        }
    }

    @Test
    void atTheEndANewTimerNeverFiresAndRunReportsADeadlock() {
        try (TestLoop loop = TestLoop.create(options())) {
            loop.advanceTo(END);
            TestLoopDeadlockError e = assertThrows(TestLoopDeadlockError.class, () -> loop.run(() -> Async.sleep(Duration.ofSeconds(1))));
            assertTrue(e.dump().contains("Task[main] PENDING"), e.dump());
            loop.runUntilIdle(); // returns: the timer counts as never
            assertEquals(END, loop.now());
            assertThrows(LeakedTasksError.class, loop::close);
        }
    }

    @Test
    void withoutAutoAdvanceATimerPastTheEndIsADeadlockToo() {
        try (TestLoop loop = TestLoop.create(options().withAutoAdvance(false))) {
            loop.advanceTo(CENTURY);
            // due after the end (100 y + 55 y > 146 y): can never come, whoever advances the clock
            assertThrows(TestLoopDeadlockError.class, () -> loop.run(() -> Async.sleep(Duration.ofDays(20_000))));
            loop.advanceTo(CENTURY.multipliedBy(2));
            assertEquals(END, loop.now());
            assertThrows(LeakedTasksError.class, loop::close);
        }
    }

    @Test
    void aTimerDueExactlyAtTheEndFires() throws Exception {
        try (TestLoop loop = TestLoop.create(options())) {
            loop.advanceTo(END.minusSeconds(1));
            assertEquals("end", loop.run(() -> Async.sleep(Duration.ofSeconds(1), "end")));
            assertEquals(END, loop.now());
        }
    }

    @Test
    void aTimerSetBeforeTheEndButDueAfterItStaysPendingAndCancellable() {
        try (TestLoop loop = TestLoop.create(options().withAutoAdvance(false))) {
            loop.advanceTo(CENTURY);
            Task<Void> t = loop.task(() -> Async.sleep(Duration.ofDays(20_000))); // 100 y + 55 y > 146 y
            loop.runUntilIdle();
            assertEquals(CENTURY, loop.now(), "runUntilIdle does not jump to a timer that never comes");
            loop.advanceTo(Duration.ofSeconds(Long.MAX_VALUE));
            assertEquals(END, loop.now());
            assertTrue(!t.isDone());
            t.cancel();
            loop.runCurrent();
            assertTrue(t.isCancelled());
        }
    }

    @Test
    void advanceToPastTheEndStopsAtTheEndAsAdvanceByDoes() {
        try (TestLoop loop = TestLoop.create(options())) {
            loop.advanceBy(CENTURY); // about 73 years: the most one advanceBy moves
            loop.advanceTo(CENTURY.multipliedBy(12).dividedBy(10));
            assertEquals(CENTURY.multipliedBy(12).dividedBy(10), loop.now());
            loop.advanceTo(Duration.ofDays(365 * 500));
            assertEquals(END, loop.now());
            loop.advanceTo(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));
            assertEquals(END, loop.now());
            assertThrows(IllegalArgumentException.class, () -> loop.advanceTo(CENTURY));
        }
    }
}

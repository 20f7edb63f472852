package dev.aio4j.test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.AsyncEvent;
import dev.aio4j.DebugOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link TestLoop#dump()}: a tree of who awaits whom, with creation sites in debug mode. */
class TestLoopDumpTest {

    @Test
    void aDumpShowsEachTaskUnderTheTaskItAwaits() {
        try (TestLoop loop = TestLoop.create()) {
            AsyncEvent ready = new AsyncEvent();
            loop.task("worker", ready::await);
            loop.runCurrent();
            loop.task("waiter", () -> Async.sleep(Duration.ofSeconds(5)).thenCompose(x -> loop.pendingTasks().isEmpty()
                    ? null : Async.task("inner", ready::await)));
            loop.advanceBy(Duration.ofSeconds(5));
            String dump = loop.dump();
            assertTrue(dump.startsWith("TestLoop[" + loop.loop().name() + "] at 5s virtual"), dump);
            assertTrue(dump.contains("Task[worker] PENDING 5s, awaiting AsyncEvent[unset, waiters=2]"), dump);
            assertTrue(dump.contains("Task[inner] PENDING, awaiting AsyncEvent[unset, waiters=2], awaited by [waiter]"), dump);
            // the awaiter is printed under what it awaits
            assertTrue(dump.contains("awaited by [waiter]\n    └ Task[waiter] PENDING 5s, awaiting Task[inner]"), dump);
            assertFalse(dump.contains("created at"), dump);
            ready.set();
            loop.runCurrent();
        }
    }

    @Test
    void aDeadlockCycleIsPrintedAsOne() {
        try (TestLoop loop = TestLoop.create()) {
            AsyncEvent go = new AsyncEvent();
            Object[] b = new Object[1];
            var a = loop.task("a", () -> go.await().thenCompose(x -> (dev.aio4j.Task<?>) b[0]));
            b[0] = loop.task("b", () -> a);
            loop.runCurrent();
            go.set();
            loop.runCurrent();
            String dump = loop.dump();
            assertTrue(dump.contains("cycle (deadlock): Task[a] -> Task[b] -> Task[a]"), dump);
            assertThrows(LeakedTasksError.class, loop::close);
        }
    }

    @Test
    void inDebugModeEachTaskShowsWhereItWasCreated() {
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults(), DebugOptions.on().creationSites(true))) {
            AsyncEvent never = new AsyncEvent();
            loop.task("forgotten", never::await);
            loop.runCurrent();
            String dump = loop.dump();
            assertTrue(dump.contains("Task[forgotten] PENDING"), dump);
            // the first frame is the test's own line, not TestLoop.task
            String first = dump.substring(dump.indexOf("created at ") + "created at ".length());
            assertTrue(first.startsWith("dev.aio4j.test.TestLoopDumpTest.inDebugModeEachTaskShowsWhereItWasCreated("), dump);
            LeakedTasksError e = assertThrows(LeakedTasksError.class, loop::close);
            assertTrue(e.getMessage().contains("created at dev.aio4j.test.TestLoopDumpTest"), e.getMessage());
        }
    }

    @Test
    void debugModeCanBeTurnedOff() {
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults(), DebugOptions.off())) {
            loop.task("quick", () -> Async.sleep(Duration.ofSeconds(1)));
            loop.runCurrent();
            assertFalse(loop.dump().contains("created at"), loop.dump());
            loop.runUntilIdle();
        }
    }
}

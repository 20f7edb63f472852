package dev.aio4j;

import static dev.aio4j.Support.await;
import static dev.aio4j.Support.done;
import static dev.aio4j.Support.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** Debug mode as a user meets it: slow-step reports (with the watchdog's stack), creation sites, resources left open. */
class DebugModeTest {
    /** Collects the reports a loop's exception handler receives. */
    static final class Reports implements BiConsumer<String, Throwable> {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<Throwable> traces = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> first = new CompletableFuture<>();

        @Override
        public void accept(String message, Throwable trace) {
            messages.add(message);
            traces.add(trace);
            first.complete(message);
        }
    }

    private static void settle(Loop loop) throws Exception {
        loop.runUntilComplete(loop.task(() -> done(null)));
    }

    @Test
    void theWatchdogReportsAStuckStepWhileItRunsWithTheLoopThreadsStack() throws Exception {
        LoopOptions options = LoopOptions.defaults().debug(DebugOptions.on().slowStep(Duration.ofMillis(50)).watchdog(true));
        Reports reports = new Reports();
        CountDownLatch release = new CountDownLatch(1);
        try (Loop loop = Loop.create("debug-watchdog", options)) {
            loop.setExceptionHandler(reports);
            Task<Void> blocker = loop.task("blocker", () -> {
                await(release); // blocks the loop thread until the report has arrived
                return done(null);
            });
            String message = get(reports.first);
            release.countDown();
            get(blocker);
            settle(loop);

            assertTrue(message.startsWith("Loop 'debug-watchdog' step has been running for "), message);
            assertTrue(message.contains("in Task[blocker]"), message);
            boolean inAwait = Arrays.stream(reports.traces.get(0).getStackTrace())
                    .anyMatch(f -> f.getClassName().equals(CountDownLatch.class.getName()) && f.getMethodName().equals("await"));
            assertTrue(inAwait, "the trace is where the loop thread was blocked: " + Arrays.toString(reports.traces.get(0).getStackTrace()));
            assertEquals(1, reports.messages.size(), "one report per step: " + reports.messages);
        }
    }

    @Test
    void withoutTheWatchdogASlowStepIsReportedOnceWhenItEnds() throws Exception {
        LoopOptions options = LoopOptions.defaults().debug(DebugOptions.on().slowStep(Duration.ofMillis(20)));
        Reports reports = new Reports();
        try (Loop loop = Loop.create("debug-slow", options)) {
            loop.setExceptionHandler(reports);
            get(loop.task("busy", () -> {
                long end = System.nanoTime() + 60_000_000L; // a step of at least 60 ms, whatever the load
                while (System.nanoTime() < end) Thread.onSpinWait();
                return done(null);
            }));
            settle(loop);
            String message = get(reports.first);
            assertTrue(message.matches("Loop 'debug-slow' step took \\d+ ms in Task\\[busy\\]"), message);
            assertEquals(1, reports.messages.size(), reports.messages.toString());
        }
    }

    @Test
    void quickStepsAreNotReported() throws Exception {
        LoopOptions options = LoopOptions.defaults().debug(DebugOptions.on().slowStep(Duration.ofSeconds(30)).watchdog(true));
        Reports reports = new Reports();
        try (Loop loop = Loop.create("debug-quick", options)) {
            loop.setExceptionHandler(reports);
            for (int i = 0; i < 100; i++) get(loop.task(() -> Async.sleep(Duration.ZERO)));
        }
        assertEquals(List.of(), reports.messages);
    }

    @Test
    void creationSitesAppearInTheDescriptionTheNeverRetrievedReportUses() throws Exception {
        LoopOptions options = LoopOptions.defaults().debug(DebugOptions.on().creationSites(true));
        Reports reports = new Reports();
        try (Loop loop = Loop.create("debug-sites", options)) {
            loop.setExceptionHandler(reports);
            Task<Void> failing = loop.task("lost", () -> {
                throw new java.io.IOException("nobody looks");
            });
            Support.awaitDone(failing);
            String described = failing.toString();
            assertTrue(described.contains("created at " + DebugModeTest.class.getName() + ".creationSites"), described);
        }
    }

    @Test
    void aZeroSleepIsListedAmongTheTasksOfADebugLoopOnly() throws Exception {
        // a yield takes no entry in a production loop's list of tasks (it lives one step); a debug loop lists it
        try (Loop plain = Loop.create("yield-plain");
                Loop debug = Loop.create("yield-debug", LoopOptions.defaults().debug(DebugOptions.on()))) {
            for (Loop loop : List.of(plain, debug)) {
                Boolean[] listed = new Boolean[2];
                Support.get(loop.task(() -> {
                    Task<Void> yield = Async.sleep(Duration.ZERO);
                    Task<Void> timed = Async.sleep(Duration.ofMillis(1));
                    listed[0] = Async.allTasks().contains(yield);
                    listed[1] = Async.allTasks().contains(timed);
                    return Async.gather(yield, timed);
                }));
                assertEquals(loop == debug, listed[0], "zero sleep listed on " + loop);
                assertTrue(listed[1], "a timed sleep is always listed, on " + loop);
            }
        }
    }

    @Test
    void aTaskThatFinishesHoldingALockIsReported() throws Exception {
        Reports reports = new Reports();
        AsyncLock lock = new AsyncLock();
        try (Loop loop = Loop.create("debug-lock", LoopOptions.defaults().debug(DebugOptions.on().creationSites(true)))) {
            loop.setExceptionHandler(reports);
            get(loop.task("forgetful", () -> lock.acquire())); // never released
            settle(loop);
            String message = get(reports.first);
            assertTrue(message.startsWith("Resource left open: Task[forgetful] finished while holding "
                    + "AsyncLock[locked by finished Task[forgetful], waiters=0]"), message);
            assertTrue(message.contains("(created at " + DebugModeTest.class.getName()), message);
            assertTrue(lock.toString().contains("locked by finished Task[forgetful]"), lock.toString());

            // a task that releases what it took is not reported; the lock passes to the waiter's task
            lock.release();
            get(loop.task("tidy", () -> lock.acquire().thenApply(x -> {
                lock.release();
                return null;
            })));
            settle(loop);
            assertEquals(1, reports.messages.size(), reports.messages.toString());
        }
    }

    @Test
    void theWatchdogIsADaemonThatEndsWithItsLoop() throws Exception {
        Loop loop = Loop.create("debug-ends", LoopOptions.defaults().debug(DebugOptions.on().watchdog(true)));
        Thread watchdog = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("aio4j-watchdog-debug-ends")).findFirst().orElseThrow();
        assertTrue(watchdog.isDaemon());
        loop.close();
        watchdog.join(Support.WAIT_SECONDS * 1000);
        assertFalse(watchdog.isAlive());
    }

    @Test
    void debugOptionsRefuseBadArguments() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> DebugOptions.on().slowStep(Duration.ofMillis(-1)));
        org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class, () -> DebugOptions.on().slowStep(null));
        org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class, () -> LoopOptions.defaults().debug(null));
        org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class, () -> Loop.create("x", null));
        assertFalse(DebugOptions.off().isOn());
    }
}

package dev.aio4j.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.aio4j.Async;
import dev.aio4j.AsyncEvent;
import dev.aio4j.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The JUnit 5 extension, run the way users run it: the test classes below (nested, so the build
 * does not run them directly) are executed by JUnit's own engine, and their outcomes checked.
 */
class TestLoopExtensionTest {

    /** Set while this class runs the scenarios: they are skipped when a -Dtest pattern selects them directly. */
    static final String SCENARIOS = "aio4j.extensionScenarios";

    private static EngineExecutionResults run(Class<?> tests, String... config) {
        var request = EngineTestKit.engine("junit-jupiter").selectors(selectClass(tests));
        for (int i = 0; i < config.length; i += 2) request = request.configurationParameter(config[i], config[i + 1]);
        System.setProperty(SCENARIOS, "true");
        try {
            return request.execute();
        } finally {
            System.clearProperty(SCENARIOS);
        }
    }

    private static Throwable failureOf(EngineExecutionResults results, String method) {
        Event e = results.testEvents().failed().stream()
                .filter(ev -> ev.getTestDescriptor().getDisplayName().startsWith(method))
                .findFirst().orElseThrow(() -> new AssertionError(method + " did not fail"));
        return e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }

    // ------------------------------------------------------------------ user test classes

    @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
    @ExtendWith(TestLoopExtension.class)
    static class UserTests {
        static volatile TestLoop fromBeforeEach;
        static volatile boolean sameInTest;

        @BeforeEach
        void setUp(TestLoop loop) {
            fromBeforeEach = loop;
        }

        @Test
        void retriesWithBackoffInVirtualTime(TestLoop loop) throws Exception {
            sameInTest = loop == fromBeforeEach;
            int[] calls = {0};
            String r = loop.run(() -> Async.repeatWhile(() -> Async.sleep(Duration.ofSeconds(10), ++calls[0] < 3))
                    .thenApply(v -> "ok"));
            assertEquals("ok", r);
            assertEquals(Duration.ofSeconds(30), loop.now());
        }

        @Test
        void manualStepping(@VirtualTime(autoAdvance = false) TestLoop loop) {
            Task<String> t = loop.task(() -> Async.sleep(Duration.ofHours(1), "done"));
            loop.advanceBy(Duration.ofMinutes(59));
            assertFalse(t.isDone());
            loop.advanceBy(Duration.ofMinutes(1));
            assertEquals("done", t.getNow(null));
        }

        @Test
        void leaksATask(TestLoop loop) {
            AsyncEvent never = new AsyncEvent();
            loop.task("forgotten", () -> never.await());
            loop.runCurrent();
        }

        @Test
        void leavesAFailureUnretrieved(TestLoop loop) {
            loop.task(() -> CompletableFuture.failedFuture(new IOException("nobody looked")));
            loop.runCurrent();
        }

        @Test
        void failsAnAssertion(TestLoop loop) {
            loop.backgroundTask(() -> Async.sleep(Duration.ofHours(1))); // pending, quietly cancelled at close
            loop.runCurrent();
            assertEquals(1, 2, "the user's own assertion");
        }

        @Test
        void deadlocks(TestLoop loop) throws Exception {
            loop.run(() -> new AsyncEvent().await());
        }
    }

    @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
    @ExtendWith(TestLoopExtension.class)
    @VirtualTime(autoAdvance = false, timeout = "PT5S")
    static class ClassLevelOptions {
        static volatile TestLoopOptions seen;
        static volatile TestLoopOptions seenOnMethod;

        @Test
        void usesTheClassOptions(TestLoop loop) {
            seen = loop.options();
        }

        @Test
        @VirtualTime(maxStepsPerInstant = 7)
        void theMethodOverridesTheClass(TestLoop loop) {
            seenOnMethod = loop.options();
        }
    }

    @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
    @ExtendWith(TestLoopExtension.class)
    static class BadTimeout {
        @Test
        void badTimeout(@VirtualTime(timeout = "30 seconds") TestLoop loop) {}
    }

    @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
    static class WithLoopTest {
        @LoopTest
        void metaAnnotation(TestLoop loop) throws Exception {
            assertEquals(Duration.ofDays(1), loop.run(() -> Async.sleep(Duration.ofDays(1)).thenApply(x -> loop.now())));
        }
    }

    @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
    @ExtendWith(TestLoopExtension.class)
    static class FailingBeforeEach {
        @BeforeEach
        void setUp(TestLoop loop) {
            loop.backgroundTask(() -> Async.task("server", () -> new AsyncEvent().await()));
            loop.runCurrent();
            assertEquals(1, 2, "the set-up's own assertion");
        }

        @Test
        void neverRuns(TestLoop loop) {}
    }

    @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
    @ExtendWith(TestLoopExtension.class)
    static class FailingAfterEach {
        @AfterEach
        void tearDown(TestLoop loop) {
            assertEquals(1, 2, "the tear-down's own assertion");
        }

        @Test
        void passes(TestLoop loop) {
            loop.backgroundTask(() -> Async.task("server", () -> new AsyncEvent().await()));
            loop.runCurrent();
        }
    }

    @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
    @ExtendWith(TestLoopExtension.class)
    @VirtualTime(maxStepsPerInstant = 1_000)
    static class StuckTests {
        @Test
        void spinsAtOneInstant(TestLoop loop) throws Exception {
            loop.run(() -> Async.repeatWhile(() -> Async.sleep(Duration.ZERO, true)));
        }

        @BeforeEach
        void spinsInSetUp(TestLoop loop, org.junit.jupiter.api.TestInfo info) {
            if (info.getDisplayName().startsWith("setUpSpins")) {
                loop.task(() -> Async.repeatWhile(() -> Async.sleep(Duration.ZERO, true)));
                loop.advanceBy(Duration.ofSeconds(1));
            }
        }

        @Test
        void setUpSpins(TestLoop loop) {}
    }

    /** Eight tests with conflicting virtual times, run in parallel by JUnit. */
    @EnabledIfSystemProperty(named = SCENARIOS, matches = "true")
    @ExtendWith(TestLoopExtension.class)
    static class ParallelTests {
        static final Set<String> threads = ConcurrentHashMap.newKeySet();

        private static void sleepFor(TestLoop loop, int hours) throws Exception {
            threads.add(Thread.currentThread().getName());
            for (int i = 0; i < 300; i++) {
                loop.run(() -> Async.gather(Async.sleep(Duration.ofHours(hours)), Async.sleep(Duration.ofMinutes(hours))));
            }
            assertEquals(Duration.ofHours(300L * hours), loop.now());
        }

        @Test void one(TestLoop l) throws Exception { sleepFor(l, 1); }
        @Test void two(TestLoop l) throws Exception { sleepFor(l, 2); }
        @Test void three(TestLoop l) throws Exception { sleepFor(l, 3); }
        @Test void four(TestLoop l) throws Exception { sleepFor(l, 4); }
        @Test void five(TestLoop l) throws Exception { sleepFor(l, 5); }
        @Test void six(TestLoop l) throws Exception { sleepFor(l, 6); }
        @Test void seven(TestLoop l) throws Exception { sleepFor(l, 7); }
        @Test void eight(TestLoop l) throws Exception { sleepFor(l, 8); }
    }

    // ------------------------------------------------------------------ the checks

    @Test
    void aTestGetsOneFreshLoopSharedWithItsBeforeEach() {
        EngineExecutionResults r = run(UserTests.class);
        r.testEvents().succeeded().assertThatEvents(); // events exist
        assertTrue(r.testEvents().succeeded().stream().anyMatch(e -> e.getTestDescriptor().getDisplayName().startsWith("retriesWithBackoff")));
        assertTrue(UserTests.sameInTest, "@BeforeEach and the test got the same TestLoop");
        assertTrue(r.testEvents().succeeded().stream().anyMatch(e -> e.getTestDescriptor().getDisplayName().startsWith("manualStepping")));
    }

    @Test
    void aLeakedTaskFailsTheTestWithWhatItAwaits() {
        Throwable t = failureOf(run(UserTests.class), "leaksATask");
        LeakedTasksError e = assertInstanceOf(LeakedTasksError.class, t);
        assertEquals("forgotten", e.tasks().get(0).name());
        assertTrue(e.getMessage().contains("AsyncEvent[unset, waiters=1]"), e.getMessage());
    }

    @Test
    void anUnretrievedFailureFailsTheTest() {
        Throwable t = failureOf(run(UserTests.class), "leavesAFailureUnretrieved");
        assertInstanceOf(IOException.class, t.getCause(), () -> String.valueOf(t));
    }

    @Test
    void aFailingTestCarriesTheDumpAndABackgroundTaskIsNoLeak() {
        Throwable t = failureOf(run(UserTests.class), "failsAnAssertion");
        assertTrue(t.getMessage().contains("the user's own assertion"), t.getMessage());
        assertEquals(1, t.getSuppressed().length, () -> Arrays.toString(t.getSuppressed()));
        assertTrue(t.getSuppressed()[0].getMessage().contains("TestLoop dump"), t.getSuppressed()[0].getMessage());
        assertTrue(t.getSuppressed()[0].getMessage().contains("PENDING"), t.getSuppressed()[0].getMessage());
    }

    @Test
    void aDeadlockFailsTheTestAtOnceWithItsDump() {
        Throwable t = failureOf(run(UserTests.class), "deadlocks");
        TestLoopDeadlockError e = assertInstanceOf(TestLoopDeadlockError.class, t);
        assertTrue(e.dump().contains("Task[main] PENDING"), e.dump());
        // main stays pending after the deadlock: close() reports it too, suppressed under the deadlock
        assertTrue(Arrays.stream(e.getSuppressed()).anyMatch(s -> s instanceof LeakedTasksError), () -> Arrays.toString(e.getSuppressed()));
    }

    @Test
    void aFailingBeforeEachCarriesTheDump() {
        Throwable t = failureOf(run(FailingBeforeEach.class), "neverRuns");
        assertTrue(t.getMessage().contains("the set-up's own assertion"), t.getMessage());
        List<Throwable> dumps = dumpsOf(t);
        assertEquals(1, dumps.size(), () -> Arrays.toString(t.getSuppressed()));
        assertTrue(dumps.get(0).getMessage().contains("Task[server] PENDING"), dumps.get(0).getMessage());
    }

    @Test
    void aFailingAfterEachCarriesTheDump() {
        Throwable t = failureOf(run(FailingAfterEach.class), "passes");
        assertTrue(t.getMessage().contains("the tear-down's own assertion"), t.getMessage());
        List<Throwable> dumps = dumpsOf(t);
        assertEquals(1, dumps.size(), () -> Arrays.toString(t.getSuppressed()));
        assertTrue(dumps.get(0).getMessage().contains("Task[server] PENDING"), dumps.get(0).getMessage());
    }

    @Test
    void aStepBudgetFailureCarriesItsDumpOnceInTheTestAndInSetUp() {
        EngineExecutionResults r = run(StuckTests.class);
        for (String method : List.of("spinsAtOneInstant", "setUpSpins")) {
            Throwable t = failureOf(r, method);
            assertTrue(t.getMessage().contains("steps"), t.getMessage());
            assertTrue(t.getMessage().contains("PENDING"), t.getMessage()); // the dump, in the message
            assertEquals(List.of(), dumpsOf(t), method + ": no second dump attached");
        }
    }

    private static List<Throwable> dumpsOf(Throwable t) {
        return Arrays.stream(t.getSuppressed()).filter(s -> s instanceof TestLoopExtension.TestLoopDump).toList();
    }

    @Test
    void optionsComeFromTheNearestVirtualTime() {
        EngineExecutionResults r = run(ClassLevelOptions.class);
        assertEquals(2, r.testEvents().succeeded().count());
        assertEquals(new TestLoopOptions(false, Duration.ofSeconds(5), 100_000, false), ClassLevelOptions.seen);
        assertEquals(new TestLoopOptions(true, Duration.ofSeconds(60), 7, false), ClassLevelOptions.seenOnMethod);
    }

    @Test
    void aTimeoutThatIsNoDurationIsAConfigurationError() {
        Throwable t = failureOf(run(BadTimeout.class), "badTimeout");
        Throwable cause = t instanceof ExtensionConfigurationException ? t : t.getCause();
        assertInstanceOf(ExtensionConfigurationException.class, cause, () -> String.valueOf(t));
    }

    @Test
    void theLoopTestMetaAnnotationWorks() {
        assertEquals(1, run(WithLoopTest.class).testEvents().succeeded().count());
    }

    @Test
    void testsRunInParallelDoNotInterfere() {
        ParallelTests.threads.clear();
        EngineExecutionResults r = run(ParallelTests.class,
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "8");
        assertEquals(List.of(), r.testEvents().failed().stream().map(e -> e.toString()).toList());
        assertEquals(8, r.testEvents().succeeded().count());
        assertTrue(ParallelTests.threads.size() > 1, "ran on several threads: " + ParallelTests.threads);
    }

    @Test
    void theSameLoopIsNotGivenToTwoTests() {
        // each test's loop is closed after it: a loop from one test is never seen by the next
        run(UserTests.class);
        TestLoop first = UserTests.fromBeforeEach;
        run(UserTests.class);
        assertFalse(first == UserTests.fromBeforeEach);
        assertTrue(first.toString().contains("closed"), first.toString());
    }
}

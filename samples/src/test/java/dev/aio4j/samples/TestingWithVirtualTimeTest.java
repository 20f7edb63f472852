package dev.aio4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.sun.net.httpserver.HttpServer;
import dev.aio4j.Async;
import dev.aio4j.AsyncEvent;
import dev.aio4j.Done;
import dev.aio4j.Loop;
import dev.aio4j.Outcome;
import dev.aio4j.ReturnWhen;
import dev.aio4j.Task;
import dev.aio4j.test.LeakedTasksError;
import dev.aio4j.test.LoopTest;
import dev.aio4j.test.TestLoop;
import dev.aio4j.test.TestLoopExtension;
import dev.aio4j.test.TestLoopOptions;
import dev.aio4j.test.VirtualTime;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The README's "Testing with virtual time" section, claim by claim (with {@link RetryTest}, whose
 * first test is the section's example, and aio4j-test's own tests).
 */
@ExtendWith(TestLoopExtension.class)
class TestingWithVirtualTimeTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void theReadmesExamplesAreRetryTestsTests() throws Exception {
        Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        String readme = Files.readString(module.resolve("../README.md"));
        String test = Files.readString(module.resolve("src/test/java/dev/aio4j/samples/RetryTest.java"));
        for (String name : List.of("aFlakyCallSucceedsAfterExactlyTheSumOfTheBackoffs", "attemptsStartExactlyAtTheirScheduledInstants")) {
            int start = test.indexOf("    @Test\n    void " + name + "(");
            assertTrue(start >= 0, "RetryTest lost " + name);
            String method = test.substring(start, test.indexOf("\n    }\n", start) + "\n    }\n".length());
            String dedented = method.replaceAll("(?m)^    ", "");
            assertTrue(readme.contains(method) || readme.contains(dedented),
                    "README.md's testing section and RetryTest." + name + " have drifted apart:\n" + method);
        }
    }

    @Test
    void everyTimerOfTheLoopIsVirtual(TestLoop loop) throws Exception {
        assertEquals("slept", loop.run(() -> Async.sleep(HOUR, "slept")));
        assertEquals(HOUR, loop.now());

        assertThrows(TimeoutException.class, () -> loop.run(() -> Async.waitFor(Async.sleep(DAY), Duration.ofMinutes(30))));
        assertEquals(Duration.ofMinutes(90), loop.now());

        assertThrows(TimeoutException.class, () -> loop.run(() -> Async.timeout(Duration.ofMinutes(30), () -> Async.sleep(DAY))));
        assertEquals(Duration.ofMinutes(120), loop.now());

        List<Task<Void>> slow = new ArrayList<>();
        Done<Task<Void>> done = loop.run(() -> {
            slow.add(Async.sleep(DAY));
            return Async.wait(List.of(slow.get(0)), ReturnWhen.FIRST_COMPLETED, Duration.ofMinutes(10));
        });
        assertEquals(Set.of(slow.get(0)), done.pending());
        assertEquals(Duration.ofMinutes(130), loop.now());
        slow.get(0).cancel();

        List<Task<String>> stillRunning = new ArrayList<>();
        List<Outcome<String>> inOrder = loop.run(() -> {
            stillRunning.add(Async.sleep(DAY, "slow"));
            List<Task<String>> stages = List.of(stillRunning.get(0), Async.sleep(Duration.ofMinutes(5), "quick"));
            return Async.gatherSettled(Async.asCompleted(stages, Duration.ofMinutes(20)));
        });
        assertEquals(new Outcome.Success<>("quick"), inOrder.get(0));
        assertInstanceOf(TimeoutException.class, ((Outcome.Failure<String>) inOrder.get(1)).error());
        assertEquals(Duration.ofMinutes(150), loop.now());
        assertFalse(stillRunning.get(0).isDone(), "asCompleted's timeout cancels nothing");
        stillRunning.get(0).cancel();

        List<Duration> firedAt = new ArrayList<>();
        long[] loopTime = new long[1];
        loop.run(() -> {
            loop.loop().callLater(Duration.ofMinutes(5), () -> firedAt.add(loop.now()));
            return Async.sleep(Duration.ofMinutes(10)).thenRun(() -> loopTime[0] = Loop.current().orElseThrow().time());
        });
        assertEquals(List.of(Duration.ofMinutes(155)), firedAt);
        assertEquals(Duration.ofMinutes(160).toNanos(), loopTime[0]); // Loop.time() is the virtual clock

        List<Duration> scheduledAt = new ArrayList<>();
        loop.run(() -> {
            loop.loop().asScheduledExecutor().schedule(() -> scheduledAt.add(loop.now()), 3, TimeUnit.MINUTES);
            return Async.sleep(Duration.ofMinutes(5));
        });
        assertEquals(List.of(Duration.ofMinutes(163)), scheduledAt); // a ScheduledExecutorService delay is a loop timer
        assertEquals(Duration.ofMinutes(165), loop.now());
        assertEquals(Instant.EPOCH.plus(Duration.ofMinutes(165)), loop.instantSource().instant());
    }

    @Test
    void workOutsideTheLoopTakesZeroVirtualTime(TestLoop loop) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            AtomicLong threadDoneAt = new AtomicLong(-1);
            AtomicLong futureDoneAt = new AtomicLong(-1);
            loop.run(() -> {
                Task<Integer> onAThread = Async.toThread(() -> 1);
                Task<Integer> inAnExecutor = Async.runInExecutor(pool, () -> 2);
                CompletableFuture<Integer> foreign = CompletableFuture.supplyAsync(() -> 3, pool);
                return Async.gather(
                        Async.sleep(HOUR), // pending all along: the clock must not jump to it before the others are done
                        onAThread.thenCompose(x -> inAnExecutor).thenRun(() -> threadDoneAt.set(loop.now().toNanos())),
                        Async.waitFor(foreign, Duration.ofMinutes(1)).thenRun(() -> futureDoneAt.set(loop.now().toNanos())));
            });
            assertEquals(0L, threadDoneAt.get());
            assertEquals(0L, futureDoneAt.get());
            assertEquals(HOUR, loop.now());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTaskOfAnotherLoopAndAnHttpCallTakeZeroVirtualTime(TestLoop loop) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            List<Duration> at = new ArrayList<>();
            loop.run(() -> Loop.shared().task(() -> Async.sleep(Duration.ofMillis(1), 1))
                    .thenRun(() -> at.add(loop.now()))
                    .thenCompose(x -> client.sendAsync(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()))
                    .thenAccept(response -> {
                        assertEquals("hello", response.body());
                        at.add(loop.now());
                    }));
            assertEquals(List.of(Duration.ZERO, Duration.ZERO), at);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aVirtualHourIsNotARealOne(TestLoop loop) throws Exception {
        long start = System.nanoTime();
        loop.run(() -> Async.sleep(HOUR));
        assertEquals(HOUR, loop.now());
        assertTrue(System.nanoTime() - start < HOUR.toNanos(), "System.nanoTime() is real time");
    }

    @Test
    void advanceToMovesTheClockToAnInstant(@VirtualTime(autoAdvance = false) TestLoop loop) {
        List<Duration> firedAt = new ArrayList<>();
        loop.task(() -> Async.sleep(Duration.ofMinutes(10)).thenRun(() -> firedAt.add(loop.now())));
        loop.task(() -> Async.sleep(Duration.ofMinutes(20)).thenRun(() -> firedAt.add(loop.now())));
        loop.advanceTo(Duration.ofMinutes(15));
        assertEquals(List.of(Duration.ofMinutes(10)), firedAt);
        assertEquals(Duration.ofMinutes(15), loop.now());
        assertThrows(IllegalArgumentException.class, () -> loop.advanceTo(Duration.ofMinutes(5)));
        loop.runUntilIdle();
        assertEquals(List.of(Duration.ofMinutes(10), Duration.ofMinutes(20)), firedAt);
        assertEquals(Duration.ofMinutes(20), loop.now());
    }

    @Test
    void aForeignFutureThatNeverCompletesHoldsTheClockUntilTheWallClockTimeout() throws Exception {
        TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withWallClockTimeout(Duration.ofMillis(200)));
        CompletableFuture<String> nobodyCompletesIt = new CompletableFuture<>();
        AssertionError stuck = assertThrows(AssertionError.class,
                () -> loop.run(() -> Async.waitFor(nobodyCompletesIt, Duration.ofMinutes(1))));
        assertTrue(stuck.getMessage().contains("real time"), stuck.getMessage());
        assertTrue(stuck.getMessage().contains("Task[main] PENDING"), stuck.getMessage()); // the dump
        assertEquals(Duration.ZERO, loop.now(), "the one-minute deadline never came");
        assertThrows(LeakedTasksError.class, loop::close);

        // the same fake hanging on the loop: its deadline comes, at once
        try (TestLoop virtual = TestLoop.create()) {
            AsyncEvent never = new AsyncEvent();
            assertThrows(TimeoutException.class, () -> virtual.run(() -> Async.waitFor(never.await(), Duration.ofMinutes(1))));
            assertEquals(Duration.ofMinutes(1), virtual.now());
        }
    }

    // ------------------------------------------------------------------ the JUnit extension, run through the test kit

    /** Runs {@code fixture}'s tests through JUnit's test kit and returns their events. */
    private static Events run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(FIXTURES, "true")
                .selectors(selectClass(fixture))
                .execute()
                .testEvents();
    }

    private static Throwable failureOf(Event e) {
        return e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }

    @Test
    void theExtensionGivesEachTestAFreshLoopAndTheSameOneToItsBeforeEach() {
        run(FreshLoops.class).assertStatistics(s -> s.started(2).succeeded(2));
    }

    @Test
    void aLeakedTaskFailsTheTestWithItsDump() {
        Events events = run(Leaks.class);
        events.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        Throwable e = failureOf(events.failed().list().get(0));
        LeakedTasksError leak = assertInstanceOf(LeakedTasksError.class, e);
        assertEquals("stuck", leak.tasks().get(0).name());
        assertTrue(leak.dump().contains("AsyncEvent[unset, waiters=1]"), leak.dump());
    }

    @Test
    void aFailureNobodyRetrievedFailsTheTest() {
        Events events = run(NeverRetrieved.class);
        events.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        Throwable e = failureOf(events.failed().list().get(0));
        assertTrue(e.getMessage().contains("never retrieved"), e.getMessage());
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void aFailingTestGetsTheLoopsDump() {
        Events events = run(FailsWithATaskPending.class);
        events.assertStatistics(s -> s.started(1).failed(1));
        Throwable e = failureOf(events.failed().list().get(0));
        assertEquals("the test's own failure", e.getMessage());
        assertTrue(Arrays.stream(e.getSuppressed()).anyMatch(x -> x.getMessage().startsWith("TestLoop dump when the test failed")
                && x.getMessage().contains("Task[stuck] PENDING")), () -> Arrays.toString(e.getSuppressed()));
    }

    @Test
    void virtualTimeOnTheParameterTheMethodOrTheClassTheNearestWins() {
        run(Options.class).assertStatistics(s -> s.started(3).succeeded(3));
    }

    // ------------------------------------------------------------------ fixtures: run only through the test kit

    private static final String FIXTURES = "aio4j.samples.fixtures";

    static boolean fixtures(ExtensionContext context) {
        return context.getConfigurationParameter(FIXTURES).isPresent();
    }

    @EnabledIf("dev.aio4j.samples.TestingWithVirtualTimeTest#fixtures")
    @ExtendWith(TestLoopExtension.class)
    static class FreshLoops {
        private TestLoop before;

        @BeforeEach
        void setUp(TestLoop loop) {
            before = loop;
        }

        @Test
        void one(TestLoop loop) throws Exception {
            assertSame(before, loop);
            check(loop);
        }

        @Test
        void two(TestLoop loop) throws Exception {
            assertSame(before, loop);
            check(loop);
        }

        @AfterEach
        void tearDown(TestLoop loop) {
            assertSame(before, loop);
        }

        private static void check(TestLoop loop) throws Exception {
            assertEquals(Duration.ZERO, loop.now());
            loop.run(() -> Async.sleep(HOUR));
            assertEquals(HOUR, loop.now());
        }
    }

    @EnabledIf("dev.aio4j.samples.TestingWithVirtualTimeTest#fixtures")
    static class Leaks {
        @LoopTest
        void leaksATask(TestLoop loop) {
            AsyncEvent never = new AsyncEvent();
            loop.task("stuck", never::await);
            loop.runCurrent();
        }

        @LoopTest
        void aBackgroundTaskIsNoLeak(TestLoop loop) {
            loop.backgroundTask(() -> Async.sleep(HOUR));
            loop.runCurrent();
        }
    }

    @EnabledIf("dev.aio4j.samples.TestingWithVirtualTimeTest#fixtures")
    static class NeverRetrieved {
        @LoopTest
        void nobodyLooks(TestLoop loop) {
            loop.task(() -> CompletableFuture.failedFuture(new IOException("lost")));
            loop.runUntilIdle();
        }

        @LoopTest
        void theTestLooks(TestLoop loop) {
            Task<Object> t = loop.task(() -> CompletableFuture.failedFuture(new IOException("seen")));
            loop.runUntilIdle();
            assertInstanceOf(IOException.class, t.exception());
        }
    }

    @EnabledIf("dev.aio4j.samples.TestingWithVirtualTimeTest#fixtures")
    static class FailsWithATaskPending {
        @LoopTest
        void fails(TestLoop loop) {
            AsyncEvent never = new AsyncEvent();
            loop.task("stuck", never::await);
            loop.runCurrent();
            fail("the test's own failure");
        }
    }

    @EnabledIf("dev.aio4j.samples.TestingWithVirtualTimeTest#fixtures")
    @VirtualTime(autoAdvance = false)
    static class Options {
        @LoopTest
        void fromTheClass(TestLoop loop) {
            assertFalse(loop.options().autoAdvance());
            assertEquals(Duration.ofSeconds(60), loop.options().wallClockTimeout());
        }

        @LoopTest
        @VirtualTime(timeout = "PT5S")
        void fromTheMethod(TestLoop loop) {
            assertTrue(loop.options().autoAdvance());
            assertEquals(Duration.ofSeconds(5), loop.options().wallClockTimeout());
        }

        @LoopTest
        @VirtualTime(timeout = "PT5S")
        void fromTheParameter(@VirtualTime(strictTimers = true) TestLoop loop) {
            assertTrue(loop.options().strictTimers());
            assertEquals(Duration.ofSeconds(60), loop.options().wallClockTimeout());
        }
    }
}

package dev.aio4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.AsyncCallable;
import dev.aio4j.Task;
import dev.aio4j.test.LeakedTasksError;
import dev.aio4j.test.LoopTest;
import dev.aio4j.test.TestLoop;
import dev.aio4j.test.TestLoopExtension;
import dev.aio4j.test.TestLoopOptions;
import dev.aio4j.test.VirtualTime;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Retry#withBackoff} on a {@link TestLoop}: hours of backoff run in milliseconds, and
 * {@code loop.now()} tells exactly when each attempt started. The README's "Testing with virtual
 * time" section shows the first test.
 */
@ExtendWith(TestLoopExtension.class)
class RetryTest {
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);
    private static final Duration HOUR = Duration.ofHours(1);

    private static Duration minutes(long m) {
        return Duration.ofMinutes(m);
    }

    /** A call that fails {@code failures} times, then answers; each attempt's start (virtual) goes to {@code starts}. */
    private static AsyncCallable<String> flaky(TestLoop loop, AtomicInteger calls, List<Duration> starts, int failures) {
        return () -> {
            int n = calls.incrementAndGet();
            starts.add(loop.now());
            return n <= failures
                    ? CompletableFuture.failedFuture(new IOException("503 on attempt " + n))
                    : CompletableFuture.completedFuture("200 on attempt " + n);
        };
    }

    @Test
    void aFlakyCallSucceedsAfterExactlyTheSumOfTheBackoffs(TestLoop loop) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Long> startMinutes = new ArrayList<>();
        AsyncCallable<String> flaky = () -> {                       // fails 4 times, then answers
            startMinutes.add(loop.now().toMinutes());
            return calls.incrementAndGet() <= 4
                    ? CompletableFuture.failedFuture(new IOException("503"))
                    : CompletableFuture.completedFuture("200");
        };

        String result = loop.run(() -> Retry.withBackoff(flaky, 6,
                Duration.ofMinutes(10), 2.0, Duration.ofHours(1), Duration.ofSeconds(30)));

        assertEquals("200", result);
        assertEquals(List.of(0L, 10L, 30L, 70L, 130L), startMinutes);   // backoffs 10, 20, 40, 60 (capped)
        assertEquals(Duration.ofMinutes(130), loop.now());              // exact, to the nanosecond
    }

    @Test
    void attemptsThatTakeTimeAddTheirOwnDurationToTheBackoffs(TestLoop loop) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Duration> starts = new ArrayList<>();
        AsyncCallable<String> slowFlaky = () -> {
            int n = calls.incrementAndGet();
            starts.add(loop.now());
            return Async.sleep(Duration.ofSeconds(20)).thenCompose(x -> n < 3
                    ? CompletableFuture.<String>failedFuture(new IOException("503"))
                    : CompletableFuture.completedFuture("ok"));
        };

        assertEquals("ok", loop.run(() -> Retry.withBackoff(slowFlaky, 3, Duration.ofMinutes(1), 3.0, HOUR, Duration.ofSeconds(30))));

        // 20 s attempt, 1 min backoff, 20 s attempt, 3 min backoff, 20 s attempt
        assertEquals(List.of(Duration.ZERO, Duration.ofSeconds(80), Duration.ofSeconds(80 + 20 + 180)), starts);
        assertEquals(Duration.ofSeconds(80 + 20 + 180 + 20), loop.now());
    }

    @Test
    void aHangingCallTimesOutAtEachDeadlineAndTheLastFailureIsATimeout(TestLoop loop) {
        AtomicInteger calls = new AtomicInteger();
        List<Duration> starts = new ArrayList<>();
        List<Duration> cutOff = new ArrayList<>();
        List<Task<String>> attempts = new ArrayList<>();
        AsyncCallable<String> hanging = () -> {
            calls.incrementAndGet();
            starts.add(loop.now());
            Task<String> never = Async.sleep(Duration.ofDays(365), "never");
            never.whenComplete((v, e) -> cutOff.add(loop.now()));
            attempts.add(never);
            return never;
        };

        TimeoutException e = assertThrows(TimeoutException.class,
                () -> loop.run(() -> Retry.withBackoff(hanging, 4, TEN_MINUTES, 2.0, HOUR, Duration.ofMinutes(5))));

        assertEquals(4, calls.get());
        // each attempt: 5 minutes until its deadline, then a backoff of 10, 20, 40 minutes
        assertEquals(List.of(minutes(0), minutes(15), minutes(40), minutes(85)), starts);
        assertEquals(List.of(minutes(5), minutes(20), minutes(45), minutes(90)), cutOff);
        assertEquals(minutes(90), loop.now());
        assertTrue(attempts.stream().allMatch(Task::isCancelled), "every timed-out attempt was cancelled");
        // the last attempt's timeout, carrying the three before it
        assertEquals(3, e.getSuppressed().length);
        for (Throwable earlier : e.getSuppressed()) assertInstanceOf(TimeoutException.class, earlier);
    }

    @Test
    void theFinalFailureIsTheLastAttemptsWithTheEarlierOnesSuppressedOldestFirst(TestLoop loop) {
        AtomicInteger calls = new AtomicInteger();
        AsyncCallable<String> failing = flaky(loop, calls, new ArrayList<>(), Integer.MAX_VALUE);

        IOException e = assertThrows(IOException.class,
                () -> loop.run(() -> Retry.withBackoff(failing, 3, TEN_MINUTES, 2.0, HOUR, Duration.ofSeconds(30))));

        assertEquals("503 on attempt 3", e.getMessage());
        assertEquals(List.of("503 on attempt 1", "503 on attempt 2"),
                Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).toList());
        assertEquals(minutes(30), loop.now()); // no backoff after the last attempt
    }

    @Test
    void cancellingDuringTheBackoffSleepStopsEverything(TestLoop loop) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AsyncCallable<String> failing = flaky(loop, calls, new ArrayList<>(), Integer.MAX_VALUE);
        List<Task<String>> retry = new ArrayList<>();

        // attempts at 0 and 10 min; at 15 min the task sleeps until 30 min: cancel it there
        loop.run(() -> {
            retry.add(Retry.withBackoff(failing, 10, TEN_MINUTES, 2.0, HOUR, Duration.ofSeconds(30)));
            return Async.sleep(minutes(15)).thenApply(x -> retry.get(0).cancel());
        });
        loop.runCurrent(); // the cancellation's cleanup

        assertTrue(retry.get(0).isCancelled());
        assertEquals(2, calls.get());
        assertTrue(loop.pendingTasks().isEmpty(), loop::dump);
        loop.runUntilIdle(); // no timer is left: the backoff sleep's timer went with it
        assertEquals(minutes(15), loop.now());
        loop.advanceBy(Duration.ofDays(1));
        assertEquals(2, calls.get(), "no attempt after the cancellation");
    }

    @Test
    void cancellingDuringAnAttemptCancelsTheStageTheCallReturned(TestLoop loop) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Task<String>> attempts = new ArrayList<>();
        AsyncCallable<String> slow = () -> {
            calls.incrementAndGet();
            Task<String> t = Async.sleep(Duration.ofDays(1), "late");
            attempts.add(t);
            return t;
        };
        List<Task<String>> retry = new ArrayList<>();

        loop.run(() -> {
            retry.add(Retry.withBackoff(slow, 5, TEN_MINUTES, 2.0, HOUR, HOUR));
            return Async.sleep(minutes(30)).thenApply(x -> retry.get(0).cancel());
        });
        loop.runCurrent();

        assertTrue(retry.get(0).isCancelled());
        assertEquals(1, calls.get());
        assertTrue(attempts.get(0).isCancelled(), "the attempt in flight was cancelled");
        loop.runUntilIdle(); // neither the attempt's sleep nor its one-hour deadline is left
        assertEquals(minutes(30), loop.now());
        assertEquals(1, calls.get());
    }

    @Test
    void attemptsStartExactlyAtTheirScheduledInstants(@VirtualTime(autoAdvance = false) TestLoop loop) {
        AtomicInteger calls = new AtomicInteger();
        AsyncCallable<String> failing = () -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new IOException("503"));
        };
        Task<String> retry = loop.task(() -> Retry.withBackoff(failing, 4,
                Duration.ofMinutes(10), 2.0, Duration.ofHours(1), Duration.ofSeconds(30)));
        assertEquals(0, calls.get());                           // nothing runs until the test says so

        loop.runCurrent();                                      // what is ready now: attempt 1, at 0
        assertEquals(1, calls.get());
        for (long backoff : new long[] {10, 20, 40}) {          // attempts 2, 3, 4 at 10, 30, 70 minutes
            int before = calls.get();
            loop.advanceBy(Duration.ofMinutes(backoff).minusNanos(1));
            assertEquals(before, calls.get());                  // not a nanosecond early
            loop.advanceBy(Duration.ofNanos(1));
            assertEquals(before + 1, calls.get());              // exactly on time
        }
        assertInstanceOf(IOException.class, retry.exception()); // four attempts, all failed
        assertEquals(Duration.ofMinutes(70), loop.now());
    }

    @Test
    void attemptsOnAThreadTakeZeroVirtualTime(TestLoop loop) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AsyncCallable<String> blocking = () -> Async.toThread(() -> {
            if (calls.incrementAndGet() < 3) throw new IOException("blocking call failed");
            return "done";
        });

        assertEquals("done", loop.run(() -> Retry.withBackoff(blocking, 3, TEN_MINUTES, 2.0, HOUR, Duration.ofSeconds(30))));

        assertEquals(3, calls.get());
        assertEquals(minutes(30), loop.now()); // the backoffs only: the thread's work took no virtual time
    }

    @Test
    void aCallThatThrowsOrReturnsNullIsRetriedLikeOneWhoseStageFails(TestLoop loop) throws Exception {
        List<Duration> starts = new ArrayList<>();
        AsyncCallable<String> awkward = () -> {
            starts.add(loop.now());
            return switch (starts.size()) {
                case 1 -> throw new IOException("thrown before any stage");
                case 2 -> null;
                default -> CompletableFuture.completedFuture("third time");
            };
        };

        assertEquals("third time", loop.run(() -> Retry.withBackoff(awkward, 3, TEN_MINUTES, 2.0, HOUR, HOUR)));
        assertEquals(List.of(minutes(0), minutes(10), minutes(30)), starts);
    }

    @Test
    void aCancelledAttemptIsNotRetried(TestLoop loop) {
        AtomicInteger calls = new AtomicInteger();
        AsyncCallable<String> cancelled = () -> {
            calls.incrementAndGet();
            Task<String> t = Async.sleep(Duration.ofSeconds(1), "x");
            t.cancel();
            return t;
        };

        assertThrows(CancellationException.class,
                () -> loop.run(() -> Retry.withBackoff(cancelled, 5, TEN_MINUTES, 2.0, HOUR, HOUR)));
        assertEquals(1, calls.get());
        assertEquals(Duration.ZERO, loop.now());
    }

    @LoopTest
    void oneAttemptMeansNoRetryAndAFactorOfOneKeepsTheDelay(TestLoop loop) throws Exception {
        AtomicInteger once = new AtomicInteger();
        assertThrows(IOException.class, () -> loop.run(
                () -> Retry.withBackoff(flaky(loop, once, new ArrayList<>(), 1), 1, TEN_MINUTES, 2.0, HOUR, HOUR)));
        assertEquals(1, once.get());
        assertEquals(Duration.ZERO, loop.now());

        List<Duration> starts = new ArrayList<>();
        loop.run(() -> Retry.withBackoff(flaky(loop, new AtomicInteger(), starts, 3), 4, TEN_MINUTES, 1.0, HOUR, HOUR));
        assertEquals(List.of(minutes(0), minutes(10), minutes(20), minutes(30)), starts);
    }

    @Test
    void badArgumentsAreRefusedAtOnceWithWhatIsWrong() {
        AsyncCallable<String> call = () -> CompletableFuture.completedFuture("x");
        Duration s = Duration.ofSeconds(1);
        assertThrows(NullPointerException.class, () -> Retry.withBackoff(null, 3, s, 2, s, s));
        assertThrows(NullPointerException.class, () -> Retry.withBackoff(call, 3, null, 2, s, s));
        assertThrows(NullPointerException.class, () -> Retry.withBackoff(call, 3, s, 2, null, s));
        assertThrows(NullPointerException.class, () -> Retry.withBackoff(call, 3, s, 2, s, null));
        assertMessage("maxAttempts must be at least 1: 0", () -> Retry.withBackoff(call, 0, s, 2, s, s));
        assertMessage("firstDelay must not be negative: PT-1S", () -> Retry.withBackoff(call, 3, s.negated(), 2, s, s));
        assertMessage("maxDelay must not be negative: PT-1S", () -> Retry.withBackoff(call, 3, Duration.ZERO, 2, s.negated(), s));
        assertMessage("firstDelay (PT2S) is longer than maxDelay (PT1S)", () -> Retry.withBackoff(call, 3, s.multipliedBy(2), 2, s, s));
        assertMessage("factor must be finite and at least 1: 0.5", () -> Retry.withBackoff(call, 3, s, 0.5, s, s));
        assertMessage("factor must be finite and at least 1: NaN", () -> Retry.withBackoff(call, 3, s, Double.NaN, s, s));
        assertMessage("factor must be finite and at least 1: Infinity",
                () -> Retry.withBackoff(call, 3, s, Double.POSITIVE_INFINITY, s, s));
        assertMessage("perAttemptTimeout must be positive: PT0S", () -> Retry.withBackoff(call, 3, s, 2, s, Duration.ZERO));
    }

    private static void assertMessage(String message, org.junit.jupiter.api.function.Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    /**
     * The Failsafe sample's way ({@link RetryWithBackoff}: a task awaiting Failsafe's future) does
     * not run on virtual time: Failsafe's future is a stage of another library, which the test loop
     * counts as outside work, so the clock does not move while the task awaits it — and that future
     * waits for a backoff timer of the very same loop. The run ends at the wall-clock timeout, at
     * virtual time zero. (The README's testing section says so; this test keeps it true.)
     */
    @Test
    void aTaskAwaitingFailsafesFutureHoldsTheVirtualClock() {
        TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withWallClockTimeout(Duration.ofMillis(300)));
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy<String> policy = RetryPolicy.<String>builder()
                .handle(IOException.class)
                .withBackoff(TEN_MINUTES, HOUR)
                .withMaxRetries(5)
                .build();
        AssertionError stuck = assertThrows(AssertionError.class, () -> loop.run(() -> Failsafe.with(policy)
                .with(loop.loop().asScheduledExecutor())
                .getStageAsync(() -> calls.incrementAndGet() < 3
                        ? CompletableFuture.failedFuture(new IOException("503"))
                        : CompletableFuture.completedFuture("ok"))));
        assertTrue(stuck.getMessage().contains("real time"), stuck.getMessage());
        assertTrue(stuck.getMessage().contains("awaiting FailsafeFuture"), stuck.getMessage());
        assertEquals(1, calls.get());
        assertEquals(Duration.ZERO, loop.now());
        assertThrows(LeakedTasksError.class, loop::close); // the main task still awaited it
    }

    /**
     * Stepped by hand, the same Failsafe retry does run on virtual time: an explicit advance moves
     * the clock even while a task awaits a future of another library (it waits only for
     * {@code toThread} jobs), so Failsafe's backoff timers on the test loop fire at their instants.
     */
    @Test
    void steppedByHandFailsafesBackoffRunsOnVirtualTime(@VirtualTime(autoAdvance = false) TestLoop loop) {
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy<String> policy = RetryPolicy.<String>builder()
                .handle(IOException.class)
                .withBackoff(TEN_MINUTES, HOUR)
                .withMaxRetries(5)
                .build();
        Task<String> t = loop.task(() -> Failsafe.with(policy)
                .with(loop.loop().asScheduledExecutor())
                .getStageAsync(() -> calls.incrementAndGet() < 3
                        ? CompletableFuture.failedFuture(new IOException("503"))
                        : CompletableFuture.completedFuture("ok")));
        loop.runCurrent();
        assertEquals(1, calls.get());
        loop.advanceBy(TEN_MINUTES.minusNanos(1));
        assertEquals(1, calls.get(), "not a nanosecond early");
        loop.advanceBy(Duration.ofNanos(1));
        assertEquals(2, calls.get(), "the second attempt at 10 min");
        loop.advanceBy(Duration.ofMinutes(20));
        assertEquals(3, calls.get(), "the third at 30 min (backoff doubled)");
        assertEquals("ok", t.getNow(null));
        assertEquals(Duration.ofMinutes(30), loop.now());
    }
}

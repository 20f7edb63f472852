package dev.aio4j.test;

import static dev.aio4j.test.Instants.FOREVER;
import static dev.aio4j.test.Instants.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code Async.timeout} in virtual time: when its deadline passes, to the nanosecond, and who wins a tie. */
@ExtendWith(TestLoopExtension.class)
class VirtualTimeoutTest {
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @Test
    void theBodysResultBeforeTheDeadlineWinsAtItsOwnInstant(TestLoop loop) throws Exception {
        assertEquals("v", loop.run(() -> Async.timeout(TEN_SECONDS, () -> Async.sleep(Duration.ofSeconds(9), "v"))));
        assertEquals(Duration.ofSeconds(9), loop.now(), "the task ends when its body does, not at the deadline");
        loop.runUntilIdle();
        assertEquals(Duration.ofSeconds(9), loop.now(), "the timer was withdrawn: nothing was left to fire at 10 s");

        assertEquals("w", loop.run(() -> Async.timeout(TEN_SECONDS, () -> CompletableFuture.completedFuture("w"))));
        loop.runUntilIdle();
        assertEquals(Duration.ofSeconds(9), loop.now(), "a body done at once takes no time and leaves no timer");
    }

    @Test
    void atTheDeadlineItFailsWithTimeoutAndCancelsTheBodysStage(TestLoop loop) throws Exception {
        List<Task<Void>> inner = new ArrayList<>();
        List<Duration> innerEndedAt = new ArrayList<>();
        Task<Void> t = loop.run(() -> CompletableFuture.completedFuture(Async.timeout(TEN_SECONDS, () -> {
            Task<Void> s = Async.sleep(FOREVER);
            s.whenComplete((v, e) -> innerEndedAt.add(now()));
            inner.add(s);
            return s;
        })));
        TimeoutException e = assertThrows(TimeoutException.class, () -> loop.run(() -> t));
        assertTrue(e.getMessage().contains("PT10S"), e.getMessage());
        assertEquals(TEN_SECONDS, loop.now(), "failed at the deadline exactly");
        assertFalse(t.isCancelled(), "a timeout is a failure, not a cancellation");
        assertTrue(inner.get(0).isCancelled());
        assertEquals(List.of(TEN_SECONDS), innerEndedAt, "the body's stage was cancelled at the deadline");
    }

    @Test
    void aZeroTimeoutTimesOutAPendingBodyAtOnceAndPassesADoneOne(TestLoop loop) throws Exception {
        List<Task<Void>> inner = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.run(() -> Async.timeout(Duration.ZERO, () -> {
            Task<Void> s = Async.sleep(Duration.ofNanos(1));
            inner.add(s);
            return s;
        })));
        assertEquals(Duration.ZERO, loop.now(), "not even a nanosecond passed");
        assertTrue(inner.get(0).isCancelled());
        assertEquals("v", loop.run(() -> Async.timeout(Duration.ZERO, () -> CompletableFuture.completedFuture("v"))));
        assertEquals(Duration.ZERO, loop.now());
    }

    /** The body's stage completes at the deadline instant, after more loop turns than the timer: it still wins. */
    @Test
    void aResultArrivingExactlyAtTheDeadlineWins(TestLoop loop) throws Exception {
        Duration second = Duration.ofSeconds(1);
        Duration half = Duration.ofMillis(500);
        assertEquals("direct", loop.run(() -> Async.timeout(second, () -> Async.sleep(second, "direct"))));
        assertEquals(second, loop.now());
        // two sleeps in a row, and a hop through another task, end at the deadline too
        assertEquals("chained", loop.run(() -> Async.timeout(second, () -> Async.sleep(half)
                .thenCompose(x -> Async.task(() -> Async.sleep(half, "chained"))))));
        assertEquals(Duration.ofSeconds(2), loop.now());
    }

    @Test
    void aResultOneNanosecondLateLoses(TestLoop loop) throws Exception {
        List<Task<String>> inner = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.run(() -> Async.timeout(Duration.ofSeconds(1), () -> {
            Task<String> s = Async.sleep(Duration.ofSeconds(1).plusNanos(1), "late");
            inner.add(s);
            return s;
        })));
        assertEquals(Duration.ofSeconds(1), loop.now());
        assertTrue(inner.get(0).isCancelled(), "the late body was cancelled at the deadline");
        loop.runUntilIdle();
        assertEquals(Duration.ofSeconds(1), loop.now(), "and its sleep withdrawn: it never fired a nanosecond later");
    }

    @Test
    void theDeadlineCountsFromTheInstantTheTimeoutStartsNotANanosecondEarlier(@VirtualTime(autoAdvance = false) TestLoop loop) {
        loop.advanceTo(Duration.ofSeconds(5));
        Task<Void> t = loop.task(() -> Async.timeout(TEN_SECONDS, () -> Async.sleep(FOREVER)));
        loop.advanceTo(Duration.ofSeconds(15).minusNanos(1));
        assertFalse(t.isDone(), "timed out early");
        loop.advanceBy(Duration.ofNanos(1));
        assertInstanceOf(TimeoutException.class, t.exception(), "not timed out at 5 s + 10 s");
    }

    /**
     * A timeout's failure returned from {@code thenCompose} reaches the caller, who handles it: it
     * was retrieved, and closing the loop must not report it.
     */
    @Test
    void aTimeoutPassedOnByThenComposeIsNotReportedAsNeverRetrieved() throws Exception {
        TestLoop loop = TestLoop.create();
        List<Duration> failedAt = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.run(() -> Async.sleep(Duration.ofSeconds(5))
                .thenCompose(x -> Async.timeout(TEN_SECONDS, () -> Async.sleep(FOREVER)))
                .whenComplete((v, e) -> failedAt.add(now()))));
        assertEquals(List.of(Duration.ofSeconds(15)), failedAt);
        loop.close(); // fails: "Task exception was never retrieved: Task[..., failed: TimeoutException ...]"
    }

    /** Nested deadlines: the shorter one fires first, at its instant, whichever is outside. */
    @Test
    void ofNestedTimeoutsTheShorterFiresFirst(TestLoop loop) throws Exception {
        // inner 3 s inside outer 10 s: the inner one fails at 3 s, the body handles it, the outer one passes the value
        String handled = loop.run(() -> Async.timeout(TEN_SECONDS, () -> Async.timeout(Duration.ofSeconds(3), () -> Async.sleep(FOREVER, "never"))
                .exceptionally(e -> "inner timed out at " + now().toSeconds() + " s")));
        assertEquals("inner timed out at 3 s", handled);
        assertEquals(Duration.ofSeconds(3), loop.now());

        // outer 2 s around inner 10 s: the outer one fails at 2 s and cancels the inner one, which does not time out
        List<Task<String>> inner = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.run(() -> Async.timeout(Duration.ofSeconds(2), () -> {
            Task<String> i = Async.timeout(TEN_SECONDS, () -> Async.sleep(FOREVER, "never"));
            inner.add(i);
            return i;
        })));
        assertEquals(Duration.ofSeconds(5), loop.now());
        assertTrue(inner.get(0).isCancelled(), "the inner timeout was cancelled, it did not time out");
        loop.runUntilIdle();
        assertEquals(Duration.ofSeconds(5), loop.now(), "no timer of either is left");
    }
}

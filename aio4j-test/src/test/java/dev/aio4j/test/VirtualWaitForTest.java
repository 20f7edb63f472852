package dev.aio4j.test;

import static dev.aio4j.test.Instants.FOREVER;
import static dev.aio4j.test.Instants.HUGE;
import static dev.aio4j.test.Instants.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.AsyncEvent;
import dev.aio4j.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Async.waitFor} in virtual time: the instant it times out, that a result arriving at the
 * deadline wins, and that its timer is gone on every path. A foreign future that never completes
 * holds the clock under auto-advance ({@code withAutoAdvanceAForeignFutureNobodyCompletesHoldsTheClock});
 * moved by hand, the clock times it out at its deadline
 * ({@code aForeignFutureThatNeverCompletesTimesOutAtTheDeadline}).
 */
@ExtendWith(TestLoopExtension.class)
class VirtualWaitForTest {
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @Test
    void theResultBeforeTheDeadlineWinsAtItsOwnInstant(TestLoop loop) throws Exception {
        assertEquals("v", loop.run(() -> Async.waitFor(Async.sleep(Duration.ofSeconds(5), "v"), TEN_SECONDS)));
        assertEquals(Duration.ofSeconds(5), loop.now());
        assertEquals("w", loop.run(() -> Async.waitFor(CompletableFuture.completedFuture("w"), TEN_SECONDS)));
        assertEquals(Duration.ofSeconds(5), loop.now(), "a stage already done takes no time");
        loop.runUntilIdle();
        assertEquals(Duration.ofSeconds(5), loop.now(), "no timer was left behind to fire at 10 s or 15 s");
    }

    @Test
    void atTheDeadlineItFailsWithTimeoutAndCancelsTheStage(TestLoop loop) throws Exception {
        AsyncEvent never = new AsyncEvent();
        List<String> events = new ArrayList<>();
        List<Task<?>> waits = loop.run(() -> {
            Task<String> slow = Async.sleep(FOREVER, "slow");
            CompletableFuture<Void> await = never.await(); // a stage of the loop that is not a task
            slow.whenComplete((v, e) -> events.add("slow ended at " + now().toMillis() + " ms, cancelled " + slow.isCancelled()));
            await.whenComplete((v, e) -> events.add("await ended at " + now().toMillis() + " ms, cancelled " + await.isCancelled()));
            return CompletableFuture.completedFuture(List.of(
                    Async.waitFor(slow, Duration.ofMillis(10)), Async.waitFor(await, Duration.ofMillis(10))));
        });
        for (Task<?> w : waits) {
            TimeoutException e = assertThrows(TimeoutException.class, () -> loop.run(() -> w));
            assertTrue(e.getMessage().contains("PT0.01S"), e.getMessage());
            assertFalse(w.isCancelled(), "a timeout is a failure, not a cancellation");
            assertInstanceOf(TimeoutException.class, assertThrows(ExecutionException.class, w::get).getCause());
            assertInstanceOf(TimeoutException.class, assertThrows(CompletionException.class, w::join).getCause());
        }
        assertEquals(Duration.ofMillis(10), loop.now());
        assertEquals(List.of("slow ended at 10 ms, cancelled true", "await ended at 10 ms, cancelled true"), events);
    }

    @Test
    void aZeroTimeoutTimesOutAPendingStageAtOnceAndPassesADoneOne(TestLoop loop) throws Exception {
        List<Task<String>> slow = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.run(() -> {
            Task<String> s = Async.sleep(Duration.ofNanos(1), "slow");
            slow.add(s);
            return Async.waitFor(s, Duration.ZERO);
        }));
        assertEquals(Duration.ZERO, loop.now(), "a zero timeout does not wait even a nanosecond");
        assertTrue(slow.get(0).isCancelled());
        assertEquals("v", loop.run(() -> Async.waitFor(CompletableFuture.completedFuture("v"), Duration.ZERO)));
        Task<String> finished = loop.task(() -> CompletableFuture.completedFuture("t"));
        loop.runCurrent();
        assertEquals("t", loop.run(() -> Async.waitFor(finished, Duration.ZERO)));
        assertEquals(Duration.ZERO, loop.now());
    }

    @Test
    void aHugeTimeoutNeverFires(@VirtualTime(autoAdvance = false) TestLoop loop) throws Exception {
        AsyncEvent go = new AsyncEvent();
        Task<String> w = loop.task(() -> Async.waitFor(go.await().thenApply(x -> "v"), HUGE));
        loop.advanceBy(Duration.ofDays(365L * 100));
        loop.advanceBy(Duration.ofSeconds(Long.MAX_VALUE)); // to the end of the virtual clock
        assertFalse(w.isDone(), "a huge timeout fired (overflow?) at " + loop.now());
        assertEquals("v", loop.run(() -> {
            go.set();
            return w;
        }));
    }

    /** The stage completes at the deadline instant, one or several loop turns after the timer is due: it wins. */
    @Test
    void aResultArrivingExactlyAtTheDeadlineWinsAndTheStageIsNotCancelled(TestLoop loop) throws Exception {
        Duration second = Duration.ofSeconds(1);
        List<Task<String>> stages = new ArrayList<>();
        assertEquals("direct", loop.run(() -> {
            Task<String> s = Async.sleep(second, "direct");
            stages.add(s);
            return Async.waitFor(s, second);
        }));
        assertEquals("hops", loop.run(() -> {
            Task<String> s = Async.task(() -> Async.sleep(Duration.ofMillis(300))
                    .thenCompose(x -> Async.sleep(Duration.ofMillis(700)))
                    .thenCompose(x -> Async.task(() -> CompletableFuture.completedFuture("hops"))));
            stages.add(s);
            return Async.waitFor(s, second);
        }));
        assertEquals(Duration.ofSeconds(2), loop.now());
        for (Task<String> s : stages) assertFalse(s.isCancelled(), s::toString);
    }

    @Test
    void aResultOneNanosecondLateLoses(TestLoop loop) throws Exception {
        List<Task<String>> stage = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.run(() -> {
            Task<String> s = Async.sleep(Duration.ofSeconds(1).plusNanos(1), "late");
            stage.add(s);
            return Async.waitFor(s, Duration.ofSeconds(1));
        }));
        assertEquals(Duration.ofSeconds(1), loop.now());
        assertTrue(stage.get(0).isCancelled());
    }

    /** "The timer is withdrawn on every path": after each, nothing is left for the clock to jump to. */
    @Test
    void theTimerIsWithdrawnOnEveryPath(TestLoop loop) throws Exception {
        // the stage succeeds
        assertEquals("v", loop.run(() -> Async.waitFor(Async.sleep(Duration.ofSeconds(1), "v"), TEN_SECONDS)));
        // the stage fails
        assertThrows(IOException.class, () -> loop.run(() -> Async.waitFor(
                Async.sleep(Duration.ofSeconds(1)).thenCompose(x -> CompletableFuture.<String>failedFuture(new IOException("x"))), TEN_SECONDS)));
        // the stage is cancelled by others
        assertThrows(CancellationException.class, () -> loop.run(() -> {
            Task<String> s = Async.sleep(FOREVER, "s");
            Task<String> w = Async.waitFor(s, TEN_SECONDS);
            Async.sleep(Duration.ofSeconds(1)).thenRun(s::cancel);
            return w;
        }));
        // the wait is cancelled
        assertThrows(CancellationException.class, () -> loop.run(() -> {
            Task<String> w = Async.waitFor(Async.sleep(FOREVER, "s"), TEN_SECONDS);
            Async.sleep(Duration.ofSeconds(1)).thenRun(w::cancel);
            return w;
        }));
        assertEquals(Duration.ofSeconds(4), loop.now());
        loop.runUntilIdle();
        assertEquals(Duration.ofSeconds(4), loop.now(), "a timer was left behind");
    }

    /**
     * What waitFor is for: a call to another system that never answers times out. With
     * auto-advance the pending foreign future holds the clock (outside work takes zero virtual
     * time), so such a test steps the clock itself: an explicit advance does not wait for futures
     * pending elsewhere, and the deadline fires at its exact instant.
     */
    @Test
    void aForeignFutureThatNeverCompletesTimesOutAtTheDeadline(@VirtualTime(autoAdvance = false) TestLoop loop) {
        CompletableFuture<String> noAnswer = new CompletableFuture<>(); // a client call whose server never replies
        Task<String> call = loop.task(() -> Async.waitFor(noAnswer, Duration.ofSeconds(30)));
        loop.advanceBy(Duration.ofSeconds(30).minusNanos(1));
        assertFalse(call.isDone(), "timed out early");
        loop.advanceBy(Duration.ofNanos(1));
        assertInstanceOf(TimeoutException.class, call.exception());
        assertEquals(Duration.ofSeconds(30), loop.now());
        assertTrue(noAnswer.isCancelled());
    }

    /** The same test with auto-advance: the pending foreign future holds the clock, and the wall-clock guard ends the run. */
    @Test
    void withAutoAdvanceAForeignFutureNobodyCompletesHoldsTheClock(@VirtualTime(timeout = "PT0.3S") TestLoop loop) {
        CompletableFuture<String> noAnswer = new CompletableFuture<>();
        AssertionError e = assertThrows(AssertionError.class, () -> loop.run(() -> Async.waitFor(noAnswer, Duration.ofSeconds(30))));
        assertTrue(e.getMessage().contains("real time"), e.getMessage());
        assertEquals(Duration.ZERO, loop.now());
        loop.advanceBy(Duration.ofSeconds(30)); // stepping past the deadline ends it
        assertTrue(noAnswer.isCancelled());
        // the main task then failed with the timeout after run had given up on it: nobody retrieved that
        AssertionError lost = assertThrows(AssertionError.class, loop::close);
        assertInstanceOf(TimeoutException.class, lost.getCause());
    }
}

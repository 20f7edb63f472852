package dev.aio4j;

import static dev.aio4j.Support.FOREVER;
import static dev.aio4j.Support.HUGE;
import static dev.aio4j.Support.assertEndsCancelled;
import static dev.aio4j.Support.assertFailsWith;
import static dev.aio4j.Support.done;
import static dev.aio4j.Support.failureOf;
import static dev.aio4j.Support.get;
import static dev.aio4j.Support.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WaitForTest {
    private static final int RACES = 2000;

    @Test
    void aFailureBeforeTheDeadlineIsPassedOn() {
        IOException io = new IOException("io");
        assertSame(io, assertFailsWith(IOException.class,
                Async.waitFor(CompletableFuture.failedFuture(new CompletionException(io)), Duration.ofSeconds(10))));
    }

    /**
     * A foreign future, in real time on the shared loop: the timeout fails the wait and cancels the
     * future. The exact instant (a TestLoop whose clock is moved by hand, since under auto-advance a
     * pending foreign future holds the clock) and stages of the loop are in aio4j-test's
     * VirtualWaitForTest#aForeignFutureThatNeverCompletesTimesOutAtTheDeadline.
     */
    @Test
    void afterTheDeadlineItFailsWithTimeoutAndCancelsAForeignFuture() throws Exception {
        CompletableFuture<String> plain = new CompletableFuture<>();
        Task<String> w = Async.waitFor(plain, Duration.ofMillis(10));
        TimeoutException e = assertFailsWith(TimeoutException.class, w);
        assertTrue(e.getMessage().contains("PT0.01S"), e.getMessage());
        assertFalse(w.isCancelled(), "a timeout is a failure, not a cancellation");
        assertInstanceOf(TimeoutException.class, assertThrows(ExecutionException.class, w::get).getCause());
        assertInstanceOf(TimeoutException.class, assertThrows(CompletionException.class, w::join).getCause());
        assertEndsCancelled(plain);
    }

    @Test
    void aHugeTimeoutNeverFires() throws Exception {
        CompletableFuture<String> later = new CompletableFuture<>();
        Task<String> w = Async.waitFor(later, HUGE);
        get(Async.sleep(Duration.ofMillis(20)));
        assertFalse(w.isDone());
        later.complete("v");
        assertEquals("v", get(w));
    }

    @Test
    void cancellingTheWaitCancelsTheStage() throws Exception {
        Task<String> slow = Async.sleep(FOREVER, "slow");
        CompletableFuture<String> plain = new CompletableFuture<>();
        Task<String> w1 = Async.waitFor(slow, Duration.ofSeconds(10));
        Task<String> w2 = Async.waitFor(plain, Duration.ofSeconds(10));
        assertTrue(w1.cancel());
        assertTrue(w2.cancel());
        assertEndsCancelled(slow);
        assertEndsCancelled(plain);
        assertTrue(w1.isCancelled());
    }

    @Test
    void theStageCancelledByOthersCancelsTheWait() {
        Task<String> slow = Async.sleep(FOREVER, "slow");
        Task<String> w = Async.waitFor(slow, Duration.ofSeconds(10));
        slow.cancel();
        assertEndsCancelled(w);
    }

    @Test
    void waitForChecksItsArguments() {
        assertEquals("stage", assertThrows(NullPointerException.class,
                () -> Async.waitFor(null, Duration.ZERO)).getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class,
                () -> Async.waitFor(done(1), null)).getMessage());
        assertEquals("timeout < 0: PT-1S", assertThrows(IllegalArgumentException.class,
                () -> Async.waitFor(done(1), Duration.ofSeconds(-1))).getMessage());
    }

    // ------------------------------------------------------------------ the deadline race

    /**
     * The stage is completed from another thread as close to the deadline as we can aim: the
     * value must never be lost. Either the wait returns it, or it timed out and the stage really
     * was cancelled (so the completion was refused).
     */
    private static void raceFromAnotherThread(Loop loop) throws Exception {
        int values = 0;
        int timeouts = 0;
        for (int i = 0; i < RACES; i++) {
            CompletableFuture<Integer> stage = new CompletableFuture<>();
            long timeoutNanos = 20_000 + ThreadLocalRandom.current().nextInt(200_000);
            long start = System.nanoTime();
            Task<Integer> w = loop == null
                    ? Async.waitFor(stage, Duration.ofNanos(timeoutNanos))
                    : onLoop(loop, () -> Async.waitFor(stage, Duration.ofNanos(timeoutNanos)));
            long aim = start + timeoutNanos + ThreadLocalRandom.current().nextInt(-50_000, 50_000);
            while (System.nanoTime() - aim < 0) Thread.onSpinWait();
            boolean delivered = stage.complete(i);
            Throwable e = failureOf(w);
            if (delivered) {
                if (e != null) fail("race " + i + ": the stage completed with its value but the wait failed with " + e);
                assertEquals(i, w.join());
                values++;
            } else {
                assertTrue(stage.isCancelled(), "race " + i + ": the stage refused the value but is not cancelled");
                assertInstanceOf(TimeoutException.class, e, "race " + i);
                assertFalse(w.isCancelled(), "race " + i);
                timeouts++;
            }
        }
        assertEquals(RACES, values + timeouts);
    }

    @Test
    void theDeadlineRaceWithAnotherThreadNeverLosesTheResultOnTheSharedLoop() throws Exception {
        raceFromAnotherThread(null);
    }

    @Test
    void theDeadlineRaceWithAnotherThreadNeverLosesTheResultOnALoop() throws Exception {
        Loop loop = Loop.create("waitfor-race");
        try {
            raceFromAnotherThread(loop);
        } finally {
            loop.close();
        }
    }

    /** Stage and timeout share one loop and one deadline: whichever wins, the outcome is coherent. */
    @Test
    void theDeadlineRaceOnTheSameLoopNeverLosesTheResult() throws Exception {
        Loop loop = Loop.create("waitfor-race-same");
        try {
            for (int i = 0; i < RACES; i++) {
                int n = i;
                Task<Integer>[] stage = newTaskArray();
                Duration d = Duration.ofNanos(ThreadLocalRandom.current().nextInt(1, 300_000));
                Task<Integer> w = onLoop(loop, () -> {
                    if (n % 2 == 0) {
                        stage[0] = Async.sleep(d, n);
                        return Async.waitFor(stage[0], d);
                    }
                    Task<Integer> x = Async.waitFor(Async.sleep(d, n), d);
                    return x;
                });
                Throwable e = failureOf(w);
                if (stage[0] != null) {
                    Support.awaitDone(stage[0]);
                    if (e == null) {
                        assertEquals(n, w.join());
                        assertEquals(n, stage[0].join());
                    } else {
                        assertInstanceOf(TimeoutException.class, e, "race " + i);
                        assertTrue(stage[0].isCancelled(), "race " + i + ": timed out but the stage completed: lost value");
                        assertFalse(w.isCancelled());
                    }
                } else if (e != null) {
                    assertInstanceOf(TimeoutException.class, e, "race " + i);
                } else {
                    assertEquals(n, w.join());
                }
            }
        } finally {
            loop.close();
        }
    }

    @Test
    void tinyTimeoutsOnTheSharedLoopAlwaysFailWithTimeoutNotCancellation() {
        // the timer fires while waitFor is still starting on the calling thread: both reach the timeout
        for (int i = 0; i < 5 * RACES; i++) {
            Task<String> slow = Async.sleep(FOREVER, "slow");
            Task<String> w = Async.waitFor(slow, Duration.ofNanos(1 + i % 1000));
            Throwable e = failureOf(w);
            assertInstanceOf(TimeoutException.class, e, "race " + i);
            assertFalse(w.isCancelled(), "race " + i);
            assertEndsCancelled(slow);
        }
    }

    /** An outer cancel at the moment the stage completes: the wait ends cancelled or with the value, never hangs. */
    @Test
    void anOuterCancelRacingTheStagesCompletionIsNotSwallowed() throws Exception {
        for (int i = 0; i < RACES; i++) {
            CompletableFuture<Integer> stage = new CompletableFuture<>();
            Task<Integer> w = Async.waitFor(stage, Duration.ofSeconds(10));
            int n = i;
            Thread completer = new Thread(() -> stage.complete(n));
            completer.start();
            boolean cancelled = w.cancel();
            completer.join();
            if (cancelled) {
                assertTrue(w.isCancelled());
                assertThrows(CancellationException.class, () -> w.get(10, TimeUnit.SECONDS));
            } else {
                assertEquals(n, get(w));
            }
            Support.awaitDone(stage);
        }
    }

    @SuppressWarnings("unchecked")
    private static Task<Integer>[] newTaskArray() {
        return (Task<Integer>[]) new Task<?>[1];
    }
}

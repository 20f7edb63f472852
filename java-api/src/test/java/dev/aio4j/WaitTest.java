package dev.aio4j;

import static dev.aio4j.Support.FOREVER;
import static dev.aio4j.Support.assertCollected;
import static dev.aio4j.Support.done;
import static dev.aio4j.Support.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WaitTest {
    private static <F extends CompletionStage<?>> void assertDone(List<F> done, List<F> pending, Done<F> d) {
        assertEquals(done, List.copyOf(d.done()), "done");
        assertEquals(pending, List.copyOf(d.pending()), "pending");
    }

    @Test
    void firstCompletedReturnsAsSoonAsOneIsDone() throws Exception {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        CompletableFuture<String> c = new CompletableFuture<>();
        Task<Done<CompletableFuture<String>>> w = Async.wait(List.of(a, b, c), ReturnWhen.FIRST_COMPLETED);
        assertFalse(w.isDone());
        b.complete("b");
        assertDone(List.of(b), List.of(a, c), get(w));
    }

    @Test
    void firstCompletedCountsAFailureOrACancellation() throws Exception {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        Task<Done<CompletableFuture<String>>> failed = Async.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED);
        a.completeExceptionally(new IOException("x"));
        assertDone(List.of(a), List.of(b), get(failed));
        Task<Done<CompletableFuture<String>>> cancelled = Async.wait(List.of(b), ReturnWhen.FIRST_COMPLETED);
        b.cancel(true);
        assertDone(List.of(b), List.of(), get(cancelled));
    }

    @Test
    void firstExceptionReturnsAtTheFirstFailure() throws Exception {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        CompletableFuture<String> c = new CompletableFuture<>();
        Task<Done<CompletableFuture<String>>> w = Async.wait(List.of(a, b, c), ReturnWhen.FIRST_EXCEPTION);
        a.complete("a");
        c.cancel(true); // a cancellation is not an exception here
        Async.sleep(Duration.ofMillis(10)).join();
        assertFalse(w.isDone(), "returned on a success or a cancellation");
        b.completeExceptionally(new IOException("b"));
        Done<CompletableFuture<String>> d = get(w);
        assertDone(List.of(a, b, c), List.of(), d);
        assertFalse(w.isCompletedExceptionally(), "wait raises nothing");
    }

    @Test
    void firstExceptionReturnsWhenAllCompletedWithoutAFailure() throws Exception {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        Task<Done<CompletableFuture<String>>> w = Async.wait(List.of(a, b), ReturnWhen.FIRST_EXCEPTION);
        a.complete("a");
        assertFalse(w.isDone());
        b.complete("b");
        assertDone(List.of(a, b), List.of(), get(w));
    }

    @Test
    void firstExceptionReturnsAtOnceWhenAFailureIsAlreadyThere() throws Exception {
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletableFuture<String> failed = CompletableFuture.failedFuture(new IOException("x"));
        assertDone(List.of(failed), List.of(pending), get(Async.wait(List.of(pending, failed), ReturnWhen.FIRST_EXCEPTION)));
    }

    @Test
    void allCompletedWaitsForEveryStage() throws Exception {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        Task<Done<CompletableFuture<String>>> w = Async.wait(List.of(a, b), ReturnWhen.ALL_COMPLETED);
        a.completeExceptionally(new IOException("a"));
        assertFalse(w.isDone());
        b.complete("b");
        assertDone(List.of(a, b), List.of(), get(w));
    }

    @Test
    void duplicatesCountOnce() throws Exception {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        Task<Done<CompletableFuture<String>>> w = Async.wait(List.of(a, b, a), ReturnWhen.ALL_COMPLETED);
        a.complete("a");
        b.complete("b");
        assertDone(List.of(a, b), List.of(), get(w));
    }

    @Test
    void aZeroTimeoutReportsTheStateAtOnce() throws Exception {
        CompletableFuture<String> quick = done("quick");
        CompletableFuture<String> never = new CompletableFuture<>();
        Done<CompletableFuture<String>> d = get(Async.wait(List.of(never, quick), ReturnWhen.ALL_COMPLETED, Duration.ZERO));
        assertDone(List.of(quick), List.of(never), d);
        assertFalse(never.isDone());
    }

    @Test
    void cancellingTheWaitLeavesTheStagesRunning() throws Exception {
        AsyncEvent gate = new AsyncEvent(); // the stage ends when the test says so, after the cancel
        Loop loop = Loop.create("wait-cancel");
        try {
            Task<String> slow = Support.onLoop(loop, () -> Async.task(() -> gate.await().thenApply(x -> "slow")));
            Task<Done<Task<String>>> w = Support.onLoop(loop, () -> Async.wait(List.of(slow), ReturnWhen.ALL_COMPLETED));
            assertTrue(w.cancel());
            Support.sync(loop); // the cancellation has reached the loop
            gate.set();
            assertEquals("slow", get(slow));
        } finally {
            loop.close();
        }
    }

    @Test
    void waitOnALoopRunsThere() throws Exception {
        Done<Task<Integer>> d = Loop.run(() -> {
            Task<Integer> a = Async.sleep(Duration.ofMillis(1), 1);
            Task<Integer> b = Async.sleep(FOREVER, 2);
            return Async.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED);
        });
        assertEquals(1, d.done().size());
        assertEquals(1, d.done().iterator().next().join());
        assertTrue(d.pending().iterator().next().isCancelled(), "Loop.run cancels what was left pending");
    }

    @Test
    void waitChecksItsArguments() {
        CompletableFuture<String> a = new CompletableFuture<>();
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Async.wait(List.<CompletableFuture<String>>of(), ReturnWhen.FIRST_COMPLETED));
        assertTrue(empty.getMessage().contains("futures"), empty.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Async.wait(List.<CompletableFuture<String>>of(), ReturnWhen.ALL_COMPLETED, Duration.ZERO));
        assertEquals("futures", assertThrows(NullPointerException.class,
                () -> Async.wait(null, ReturnWhen.FIRST_COMPLETED)).getMessage());
        assertEquals("when", assertThrows(NullPointerException.class, () -> Async.wait(List.of(a), null)).getMessage());
        assertEquals("futures[1] is null", assertThrows(NullPointerException.class,
                () -> Async.wait(Arrays.asList(a, null), ReturnWhen.ALL_COMPLETED)).getMessage());
        assertEquals("timeout < 0: PT-0.001S", assertThrows(IllegalArgumentException.class,
                () -> Async.wait(List.of(a), ReturnWhen.ALL_COMPLETED, Duration.ofMillis(-1))).getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class,
                () -> Async.wait(List.of(a), ReturnWhen.ALL_COMPLETED, null)).getMessage());
    }

    @Test
    void doneChecksItsComponents() {
        assertEquals("done", assertThrows(NullPointerException.class,
                () -> new Done<CompletableFuture<String>>(null, java.util.Set.of())).getMessage());
        assertEquals("pending", assertThrows(NullPointerException.class,
                () -> new Done<CompletableFuture<String>>(java.util.Set.of(), null)).getMessage());
    }

    @Test
    void repeatedWaitsOnOneLongLivedTaskLeaveItNoCallbacks() throws Exception {
        Task<String> longLived = Async.sleep(FOREVER, "long");
        List<WeakReference<Object>> waits = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            CompletableFuture<String> quick = new CompletableFuture<>();
            Task<Done<CompletionStage<String>>> w = Async.wait(List.of(longLived, quick), ReturnWhen.FIRST_COMPLETED);
            quick.complete("q" + i);
            assertSame(quick, get(w).done().iterator().next());
            waits.add(new WeakReference<>(w));
        }
        // a wait that kept listening to longLived would be reachable from it
        assertCollected(waits, "finished waits");
        assertFalse(longLived.isDone());
        longLived.cancel();
    }

    @Test
    void repeatedTimedOutWaitsOnOneLongLivedTaskLeaveItNoCallbacks() throws Exception {
        Task<String> longLived = Async.sleep(FOREVER, "long");
        List<WeakReference<Object>> waits = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Task<Done<Task<String>>> w = Async.wait(List.of(longLived), ReturnWhen.FIRST_COMPLETED, Duration.ofNanos(1000));
            assertEquals(1, get(w).pending().size());
            waits.add(new WeakReference<>(w));
        }
        assertCollected(waits, "timed-out waits");
        longLived.cancel();
    }
}

package dev.aio4j.test;

import static dev.aio4j.test.Instants.FOREVER;
import static dev.aio4j.test.Instants.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aio4j.Async;
import dev.aio4j.AsyncEvent;
import dev.aio4j.Done;
import dev.aio4j.ReturnWhen;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code Async.wait} with a timeout, in virtual time: when it returns, and what counts as done at the deadline. */
@ExtendWith(TestLoopExtension.class)
class VirtualWaitTest {
    private static <F extends CompletionStage<?>> void assertDone(List<F> done, List<F> pending, Done<F> d) {
        assertEquals(done, List.copyOf(d.done()), "done");
        assertEquals(pending, List.copyOf(d.pending()), "pending");
    }

    @Test
    void aTimeoutReturnsWhatIsDoneAtTheDeadlineAndCancelsNothing(TestLoop loop) throws Exception {
        AsyncEvent never = new AsyncEvent();
        List<CompletionStage<String>> in = new ArrayList<>();
        List<Duration> returnedAt = new ArrayList<>();
        Done<CompletionStage<String>> d = loop.run(() -> {
            in.add(Async.sleep(FOREVER, "slow"));
            in.add(CompletableFuture.completedFuture("quick"));
            in.add(never.await().thenApply(x -> "never"));
            return Async.wait(in, ReturnWhen.ALL_COMPLETED, Duration.ofSeconds(20)).whenComplete((v, e) -> returnedAt.add(now()));
        });
        assertDone(List.of(in.get(1)), List.of(in.get(0), in.get(2)), d);
        assertEquals(List.of(Duration.ofSeconds(20)), returnedAt);
        assertFalse(in.get(0).toCompletableFuture().isDone(), "the slow task was not cancelled");
        assertFalse(in.get(2).toCompletableFuture().isDone(), "the pending stage was not cancelled");
        ((Task<?>) in.get(0)).cancel();
        loop.runCurrent();
    }

    @Test
    void doneAndPendingAreInInputOrder(TestLoop loop) throws Exception {
        // stage i completes at the instant at[i]; -1: never
        int[] at = {-1, 2, -1, 3, 1, -1};
        AsyncEvent never = new AsyncEvent();
        List<CompletionStage<Integer>> fs = new ArrayList<>();
        Done<CompletionStage<Integer>> d = loop.run(() -> {
            for (int i = 0; i < at.length; i++) {
                int n = i;
                fs.add(at[i] < 0 ? never.await().thenApply(x -> n) : Async.sleep(Duration.ofSeconds(at[i]), n));
            }
            return Async.wait(fs, ReturnWhen.ALL_COMPLETED, Duration.ofSeconds(10));
        });
        assertEquals(Duration.ofSeconds(10), loop.now());
        assertDone(List.of(fs.get(1), fs.get(3), fs.get(4)), List.of(fs.get(0), fs.get(2), fs.get(5)), d);
        assertThrows(UnsupportedOperationException.class, () -> d.done().clear());
        assertThrows(UnsupportedOperationException.class, () -> d.pending().clear());
    }

    /** A stage that completes at the deadline instant counts as done: the timeout fires after it. */
    @Test
    void aStageCompletingExactlyAtTheDeadlineIsDone(TestLoop loop) throws Exception {
        List<Task<String>> in = new ArrayList<>();
        Done<Task<String>> d = loop.run(() -> {
            in.add(Async.sleep(Duration.ofSeconds(1), "on time"));
            in.add(Async.task(() -> Async.sleep(Duration.ofMillis(400)).thenCompose(x -> Async.sleep(Duration.ofMillis(600), "on time, in two steps"))));
            in.add(Async.sleep(Duration.ofSeconds(1).plusNanos(1), "late"));
            return Async.wait(in, ReturnWhen.ALL_COMPLETED, Duration.ofSeconds(1));
        });
        assertEquals(Duration.ofSeconds(1), loop.now());
        assertDone(List.of(in.get(0), in.get(1)), List.of(in.get(2)), d);
        assertEquals("late", loop.run(() -> in.get(2)), "the late one was not cancelled");
        assertEquals(Duration.ofSeconds(1).plusNanos(1), loop.now());
    }

    @Test
    void firstCompletedReturnsAtTheFirstCompletionNotAtTheTimeout(TestLoop loop) throws Exception {
        List<Task<Integer>> in = new ArrayList<>();
        Done<Task<Integer>> d = loop.run(() -> {
            for (int s : new int[] {3, 1, 2}) in.add(Async.sleep(Duration.ofSeconds(s), s));
            return Async.wait(in, ReturnWhen.FIRST_COMPLETED, Duration.ofSeconds(10));
        });
        assertEquals(Duration.ofSeconds(1), loop.now());
        assertDone(List.of(in.get(1)), List.of(in.get(0), in.get(2)), d);
        loop.runUntilIdle();
        assertEquals(Duration.ofSeconds(3), loop.now(), "the others ran on to their own instants; the 10 s timer was withdrawn");
    }
}

package dev.aio4j.test;

import static dev.aio4j.test.Instants.FOREVER;
import static dev.aio4j.test.Instants.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.AsyncEvent;
import dev.aio4j.ReturnWhen;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code Async.asCompleted} in virtual time: each outcome at its own instant, and the timeout at its. */
@ExtendWith(TestLoopExtension.class)
class VirtualAsCompletedTest {

    @Test
    void theyArriveInCompletionOrderEachAtItsOwnInstant(TestLoop loop) throws Exception {
        List<String> arrivals = loop.run(() -> {
            List<Task<Integer>> out = Async.asCompleted(List.of(
                    Async.sleep(Duration.ofMillis(30), 3),
                    Async.sleep(Duration.ofMillis(1), 1),
                    Async.sleep(Duration.ofMillis(15), 2)));
            List<String> seen = new ArrayList<>();
            for (Task<Integer> t : out) t.thenAccept(v -> seen.add(v + " at " + now().toMillis() + " ms"));
            return Async.gather(out).thenApply(x -> seen);
        });
        assertEquals(List.of("1 at 1 ms", "2 at 15 ms", "3 at 30 ms"), arrivals);
    }

    @Test
    void aTimeoutFailsTheRestAtTheDeadlineAndCancelsNoStage(TestLoop loop) throws Exception {
        AsyncEvent never = new AsyncEvent();
        List<CompletionStage<String>> in = new ArrayList<>();
        List<String> events = new ArrayList<>();
        List<Task<String>> out = loop.run(() -> {
            in.add(Async.sleep(FOREVER, "slow"));
            in.add(CompletableFuture.completedFuture("quick"));
            in.add(never.await().thenApply(x -> "never"));
            List<Task<String>> o = Async.asCompleted(in, Duration.ofMillis(20));
            for (int i = 0; i < o.size(); i++) {
                int n = i;
                o.get(i).whenComplete((v, e) -> events.add(n + " at " + now().toMillis() + " ms: " + (e == null ? v : e.getClass().getSimpleName())));
            }
            return Async.wait(o, ReturnWhen.ALL_COMPLETED).thenApply(x -> o);
        });
        assertEquals(List.of("0 at 0 ms: quick", "1 at 20 ms: TimeoutException", "2 at 20 ms: TimeoutException"), events);
        TimeoutException e = assertInstanceOf(TimeoutException.class, out.get(1).exception());
        assertTrue(e.getMessage().contains("PT0.02S"), e.getMessage());
        assertInstanceOf(TimeoutException.class, out.get(2).exception());
        assertFalse(out.get(1).isCancelled(), "a timeout is a failure, not a cancellation");
        assertFalse(in.get(0).toCompletableFuture().isDone(), "the slow task was not cancelled");
        assertFalse(in.get(2).toCompletableFuture().isDone(), "the pending stage was not cancelled");
        ((Task<?>) in.get(0)).cancel();
        loop.runCurrent();
    }

    @Test
    void aTimeoutThatNeverComesChangesNothingAndLeavesNoTimer(TestLoop loop) throws Exception {
        assertEquals("x", loop.run(() -> Async.asCompleted(List.of(Async.sleep(Duration.ofSeconds(2), "x")), Duration.ofSeconds(30)).get(0)));
        assertEquals(Duration.ofSeconds(2), loop.now());
        loop.runUntilIdle();
        assertEquals(Duration.ofSeconds(2), loop.now(), "the 30 s timer was withdrawn once every outcome had arrived");
    }

    /** An outcome that arrives at the deadline instant is delivered; only the later ones time out. */
    @Test
    void anOutcomeArrivingExactlyAtTheDeadlineIsDelivered(TestLoop loop) throws Exception {
        List<Task<String>> out = loop.run(() -> {
            List<Task<String>> o = Async.asCompleted(List.of(
                    Async.sleep(Duration.ofSeconds(1).plusNanos(1), "late"),
                    Async.sleep(Duration.ofSeconds(1), "on time")), Duration.ofSeconds(1));
            return Async.wait(o, ReturnWhen.ALL_COMPLETED).thenApply(x -> o);
        });
        assertEquals(Duration.ofSeconds(1), loop.now());
        assertEquals("on time", out.get(0).result());
        assertInstanceOf(TimeoutException.class, out.get(1).exception());
        loop.runUntilIdle(); // the late sleep still ends, at its own instant: the stages are not cancelled
        assertEquals(Duration.ofSeconds(1).plusNanos(1), loop.now());
    }
}

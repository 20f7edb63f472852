package dev.aio4j;

import static dev.aio4j.Support.FOREVER;
import static dev.aio4j.Support.assertEndsCancelled;
import static dev.aio4j.Support.done;
import static dev.aio4j.Support.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class GatherSettledTest {

    @Test
    void everyOutcomeInArgumentOrder() throws Exception {
        IOException io = new IOException("io");
        CompletableFuture<String> ok = new CompletableFuture<>();
        CompletableFuture<String> failed = new CompletableFuture<>();
        Task<String> cancelled = Async.sleep(FOREVER, "never");
        Task<List<Outcome<String>>> g = Async.gatherSettled(ok, failed, cancelled);
        failed.completeExceptionally(new CompletionException(io));
        cancelled.cancel("stop");
        assertFalse(g.isDone());
        ok.complete("v");
        List<Outcome<String>> r = get(g);
        assertEquals(3, r.size());
        assertEquals(new Outcome.Success<>("v"), r.get(0));
        assertEquals(new Outcome.Failure<String>(io), r.get(1)); // unwrapped
        assertFalse(r.get(2).isSuccess());
        Throwable third = ((Outcome.Failure<String>) r.get(2)).error();
        assertInstanceOf(CancellationException.class, third);
        assertEquals("stop", third.getMessage());
        assertFalse(g.isCompletedExceptionally());
    }

    @Test
    void outcomesTellWhatTheyHold() {
        IOException io = new IOException("io");
        IllegalStateException ise = new IllegalStateException("ise");
        assertTrue(Outcome.success("v").isSuccess());
        assertEquals("v", Outcome.success("v").getOrThrow());
        assertFalse(Outcome.failure(io).isSuccess());
        assertSame(io, assertThrows(CompletionException.class, () -> Outcome.failure(io).getOrThrow()).getCause());
        assertSame(ise, assertThrows(IllegalStateException.class, () -> Outcome.failure(ise).getOrThrow()));
        assertEquals("error", assertThrows(NullPointerException.class, () -> Outcome.failure(null)).getMessage());
        assertEquals(null, Outcome.success(null).getOrThrow());
    }

    @Test
    void theCollectionFormKeepsIterationOrder() throws Exception {
        List<Outcome<Integer>> r = get(Async.gatherSettled(List.of(
                Async.sleep(Duration.ofMillis(20), 1), done(2), Async.sleep(Duration.ZERO, 3))));
        assertEquals(List.of(Outcome.success(1), Outcome.success(2), Outcome.success(3)), r);
    }

    @Test
    void cancellingItCancelsEveryChild() {
        CompletableFuture<String> plain = new CompletableFuture<>();
        Task<String> sleeper = Async.sleep(FOREVER, "s");
        Task<List<Outcome<String>>> g = Async.gatherSettled(plain, sleeper);
        assertTrue(g.cancel());
        assertEndsCancelled(plain);
        assertEndsCancelled(sleeper);
        assertTrue(g.isCancelled());
    }

    @Test
    void ofNothingIsAnEmptyListAtOnce() {
        Task<List<Outcome<Object>>> g = Async.gatherSettled();
        assertTrue(g.isDone());
        assertEquals(List.of(), g.join());
        assertEquals(List.of(), Async.gatherSettled(List.<CompletionStage<Object>>of()).join());
    }

    @Test
    void checksItsArguments() {
        assertEquals("stages", assertThrows(NullPointerException.class,
                () -> Async.gatherSettled((CompletionStage<String>[]) null)).getMessage());
        assertEquals("stages", assertThrows(NullPointerException.class,
                () -> Async.gatherSettled((Collection<CompletionStage<String>>) null)).getMessage());
        assertEquals("stages[2] is null", assertThrows(NullPointerException.class,
                () -> Async.gatherSettled(done("a"), done("b"), null)).getMessage());
        assertEquals("stages[0] is null", assertThrows(NullPointerException.class,
                () -> Async.gatherSettled(Arrays.asList((CompletionStage<String>) null))).getMessage());
    }
}

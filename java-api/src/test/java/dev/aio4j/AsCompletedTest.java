package dev.aio4j;

import static dev.aio4j.Support.assertEndsCancelled;
import static dev.aio4j.Support.assertFailsWith;
import static dev.aio4j.Support.done;
import static dev.aio4j.Support.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class AsCompletedTest {

    @Test
    void theIthTaskCompletesWithTheIthOutcomeToArrive() throws Exception {
        IOException io = new IOException("b failed");
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        CompletableFuture<String> c = new CompletableFuture<>();
        List<Task<String>> out = Async.asCompleted(List.of(a, b, c));
        assertEquals(3, out.size());
        for (Task<String> t : out) assertFalse(t.isDone());
        c.complete("c");
        assertEquals("c", get(out.get(0)));
        assertFalse(out.get(1).isDone());
        b.completeExceptionally(io);
        assertSame(io, assertFailsWith(IOException.class, out.get(1)));
        a.complete("a");
        assertEquals("a", get(out.get(2)));
    }

    @Test
    void stagesAlreadyDoneComeFirst() throws Exception {
        CompletableFuture<String> later = new CompletableFuture<>();
        List<Task<String>> out = Async.asCompleted(List.of(later, done("now")));
        assertEquals("now", get(out.get(0)));
        later.complete("later");
        assertEquals("later", get(out.get(1)));
    }

    @Test
    void cancellingAReturnedTaskIsLocalToIt() throws Exception {
        CompletableFuture<String> a = new CompletableFuture<>();
        List<Task<String>> out = Async.asCompleted(List.of(a));
        assertTrue(out.get(0).cancel());
        assertFalse(a.isCancelled(), "cancelling an output must not reach the input");
        a.complete("a");
        assertEquals("a", get(a));
        assertTrue(out.get(0).isCancelled());
    }

    @Test
    void closingTheLoopCancelsTheTasksStillOpen() throws Exception {
        Loop loop = Loop.create("as-completed-close");
        List<Task<String>> out = Support.onLoop(loop, () -> Async.asCompleted(List.of(new CompletableFuture<String>())));
        loop.close();
        assertEndsCancelled(out.get(0));
    }

    @Test
    void ofNothingIsAnEmptyList() {
        assertEquals(List.of(), Async.asCompleted(List.<CompletionStage<String>>of()));
        assertEquals(List.of(), Async.asCompleted(List.<CompletionStage<String>>of(), Duration.ofSeconds(1)));
    }

    @Test
    void theListIsUnmodifiable() {
        List<Task<String>> out = Async.asCompleted(List.of(done("x")));
        assertThrows(UnsupportedOperationException.class, () -> out.add(null));
    }

    @Test
    void asCompletedChecksItsArguments() {
        assertEquals("stages", assertThrows(NullPointerException.class, () -> Async.asCompleted(null)).getMessage());
        assertEquals("stages[1] is null", assertThrows(NullPointerException.class,
                () -> Async.asCompleted(Arrays.asList(done("a"), null))).getMessage());
        assertEquals("timeout", assertThrows(NullPointerException.class,
                () -> Async.asCompleted(List.of(done("a")), null)).getMessage());
        assertEquals("timeout < 0: PT-1S", assertThrows(IllegalArgumentException.class,
                () -> Async.asCompleted(List.of(done("a")), Duration.ofSeconds(-1))).getMessage());
        List<CompletionStage<String>> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> Async.asCompleted(withNull, Duration.ZERO));
    }
}

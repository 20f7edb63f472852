package dev.aio4j;

import static dev.aio4j.Support.FOREVER;
import static dev.aio4j.Support.assertEndsCancelled;
import static dev.aio4j.Support.assertFailsWith;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class GatherTest {

    @Test
    void gatherReturnsValuesInArgumentOrderNotCompletionOrder() throws Exception {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        CompletableFuture<String> c = new CompletableFuture<>();
        Task<List<String>> varargs = Async.gather(a, b, c);
        Task<List<String>> collection = Async.gather(List.of(c, b, a));
        c.complete("c");
        b.complete("b");
        assertFalse(varargs.isDone());
        a.complete("a");
        assertEquals(List.of("a", "b", "c"), get(varargs));
        assertEquals(List.of("c", "b", "a"), get(collection));
    }

    @Test
    void gatherAcceptsDoneStagesNullValuesAndDuplicates() throws Exception {
        Task<String> t = Async.task(() -> done("t"));
        assertEquals(Arrays.asList("x", null, "t", "t"), get(Async.gather(done("x"), done(null), t, t)));
    }

    @Test
    void gatherResultIsUnmodifiable() throws Exception {
        List<String> r = get(Async.gather(done("x")));
        assertThrows(UnsupportedOperationException.class, () -> r.add("y"));
    }

    @Test
    void theFirstFailureFailsTheGatherWhileTheOthersKeepRunning() throws Exception {
        IOException io = new IOException("first");
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        Task<String> c = Async.task(() -> Async.sleep(Duration.ofMillis(20), "c"));
        Task<List<String>> g = Async.gather(a, b, c);
        a.completeExceptionally(io);
        assertSame(io, assertThrows(ExecutionException.class, () -> get(g)).getCause());
        assertSame(io, assertThrows(CompletionException.class, g::join).getCause());
        assertFalse(g.isCancelled());
        b.completeExceptionally(new IOException("second")); // later failures change nothing
        assertSame(io, g.exception());
        assertFalse(b.isCancelled());
        assertEquals("c", get(c)); // kept running to the end
    }

    @Test
    void cancellingTheGatherCancelsEveryChild() throws Exception {
        CompletableFuture<String> plain = new CompletableFuture<>();
        Task<String> sleeper = Async.sleep(FOREVER, "s");
        Task<String> nested = Async.task(() -> Async.sleep(FOREVER, "n"));
        Task<String> finished = Async.task(() -> done("f"));
        get(finished);
        Task<List<String>> g = Async.gather(plain, sleeper, nested, finished);
        assertTrue(g.cancel());
        assertTrue(g.isCancelled());
        assertEndsCancelled(plain);
        assertEndsCancelled(sleeper);
        assertEndsCancelled(nested);
        assertEquals("f", finished.join());
    }

    @Test
    void aChildsValueThatIsAFutureIsAValueNotAChild() throws Exception {
        // a gather keeps each value where its stage was: a value that is a future must still be
        // returned as it is, and never be cancelled as if it were a child still pending
        CompletableFuture<String> value = new CompletableFuture<>();
        CompletableFuture<CompletableFuture<String>> first = new CompletableFuture<>();
        CompletableFuture<CompletableFuture<String>> second = new CompletableFuture<>();
        Task<List<CompletableFuture<String>>> g = Async.gather(first, second);
        first.complete(value);
        assertTrue(g.cancel());
        assertEndsCancelled(second);
        assertFalse(value.isDone(), "the first child's value was cancelled with the gather");

        CompletableFuture<String> v1 = new CompletableFuture<>();
        CompletableFuture<String> v2 = CompletableFuture.completedFuture("v2");
        List<CompletableFuture<String>> both = get(Async.gather(done(v1), done(v2)));
        assertSame(v1, both.get(0));
        assertSame(v2, both.get(1));
        assertFalse(v1.isDone());
    }

    @Test
    void cancellingATaskAwaitingAGatherCancelsTheGatherAndItsChildren() throws Exception {
        Loop loop = Loop.create("gather-cancel");
        try {
            List<Task<Void>> children = new ArrayList<>();
            CompletableFuture<Task<List<Void>>> gather = new CompletableFuture<>();
            Task<List<Void>> t = loop.task(() -> {
                children.add(Async.sleep(FOREVER));
                children.add(Async.task(() -> Async.sleep(FOREVER)));
                Task<List<Void>> g = Async.gather(children);
                gather.complete(g);
                return g;
            });
            Task<List<Void>> g = get(gather);
            t.cancel();
            assertEndsCancelled(g);
            for (Task<Void> c : Support.onLoop(loop, () -> List.copyOf(children))) assertEndsCancelled(c);
        } finally {
            loop.close();
        }
    }

    @Test
    void aChildCancelledAloneFailsTheGatherWithACancellationCauseButDoesNotCancelIt() throws Exception {
        Task<String> child = Async.sleep(FOREVER, "x");
        Task<String> other = Async.sleep(Duration.ofMillis(10), "y");
        Task<List<String>> g = Async.gather(child, other);
        child.cancel("child only");
        CancellationException cause = assertFailsWith(CancellationException.class, g);
        assertEquals("child only", cause.getMessage());
        assertFalse(g.isCancelled());
        assertTrue(g.isCompletedExceptionally());
        assertInstanceOf(CancellationException.class, assertThrows(CompletionException.class, g::join).getCause());
        assertInstanceOf(CancellationException.class, assertThrows(ExecutionException.class, g::get).getCause());
        assertEquals("y", get(other));
    }

    @Test
    void gatherOfNothingIsAnEmptyListAtOnce() {
        Task<List<Object>> varargs = Async.gather();
        Task<List<Object>> collection = Async.gather(List.<CompletionStage<Object>>of());
        assertTrue(varargs.isDone());
        assertTrue(collection.isDone());
        assertEquals(List.of(), varargs.join());
        assertEquals(List.of(), collection.join());
    }

    @Test
    void gatherChecksItsArguments() {
        assertEquals("stages", assertThrows(NullPointerException.class,
                () -> Async.gather((CompletionStage<String>[]) null)).getMessage());
        assertEquals("stages", assertThrows(NullPointerException.class,
                () -> Async.gather((Collection<CompletionStage<String>>) null)).getMessage());
        assertEquals("stages[1] is null", assertThrows(NullPointerException.class,
                () -> Async.gather(done("a"), null)).getMessage());
        assertEquals("stages[0] is null", assertThrows(NullPointerException.class,
                () -> Async.gather(Arrays.asList((CompletionStage<String>) null))).getMessage());
    }

    @Test
    void gatherRunsOnTheCurrentLoop() throws Exception {
        assertSame(Loop.shared(), Async.gather(done(1)).loop());
        Loop loop = Loop.create("gather-loop");
        try {
            assertSame(loop, get(loop.task(() -> done(Async.gather(done(1))))).loop());
        } finally {
            loop.close();
        }
    }
}

package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Calling Kotlin {@code suspend fun}s from Java with {@link Async#fromSuspend}. */
@Timeout(20)
class FromSuspendTest {
    final SuspendFixtures fx = new SuspendFixtures();

    static <T> T onLoop(Loop loop, java.util.function.Supplier<T> s) throws Exception {
        return TaskGroupTest.onLoop(loop, s);
    }

    @Test
    void aFunctionThatSuspendsCompletesTheTaskWithItsValue() throws Exception {
        int value = Loop.run(() -> {
            Task<Integer> t = Async.fromSuspend(c -> fx.delayed(1, 5, c));
            return t;
        });
        assertEquals(2, value);
    }

    @Test
    void aFunctionThatReturnsAtOnceCompletesTheTaskWithItsValue() throws Exception {
        assertEquals(42, Loop.run(() -> Async.<Integer>fromSuspend(c -> fx.immediate(21, c))));
        Task<Integer> onShared = Async.fromSuspend(c -> fx.immediate(4, c)); // outside any loop: the shared loop
        assertEquals(8, onShared.get(5, TimeUnit.SECONDS));
        assertSame(Loop.shared(), onShared.loop());
    }

    @Test
    void theFunctionRunsOnTheCurrentLoopsThread() throws Exception {
        try (Loop loop = Loop.create("kotlin-home")) {
            Task<String> t = onLoop(loop, () -> Async.fromSuspend(c -> fx.threadAfterYield(c)));
            // kotlinx's debug mode (on under -ea) appends " @coroutine-name#id" while a coroutine runs
            assertTrue(t.get(5, TimeUnit.SECONDS).startsWith("aio4j-loop-kotlin-home"), t.join());
            assertSame(loop, t.loop());
        }
    }

    @Test
    void aFunctionThatThrowsAtOnceFailsTheTaskWithThatException() {
        IOException boom = new IOException("at once");
        Exception thrown = assertThrows(IOException.class, () -> Loop.run(() -> Async.<Integer>fromSuspend(c -> fx.throwsAtOnce(boom, c))));
        assertSame(boom, thrown);
    }

    @Test
    void aFunctionThatThrowsAfterSuspendingFailsTheTaskWithThatException() throws Exception {
        IOException boom = new IOException("after suspending");
        Task<Integer> t = Async.fromSuspend(c -> fx.throwsAfterSuspending(boom, c));
        CompletionException joined = assertThrows(CompletionException.class, t::join);
        assertSame(boom, joined.getCause());
        assertFalse(t.isCancelled());
        assertSame(boom, t.exception());
    }

    @Test
    void cancellingTheTaskCancelsTheCoroutineWhoseCleanupRunsOnTheLoop() throws Exception {
        Task<String> t;
        try (Loop loop = Loop.create("kotlin-cancel")) {
            CompletableFuture<String> started = new CompletableFuture<>();
            t = onLoop(loop, () -> Async.fromSuspend("waiter", c -> fx.untilCancelled(started, c)));
            started.get(5, TimeUnit.SECONDS);
            assertTrue(t.cancel());
            assertTrue(t.isCancelled());
        } // close() waits until the coroutine has ended
        List<String> events = new ArrayList<>(fx.getEvents());
        assertEquals(2, events.size(), events.toString());
        assertEquals("cancelled", events.get(0));
        assertTrue(events.get(1).startsWith("finally on aio4j-loop-kotlin-cancel"), events.get(1));
    }

    @Test
    void loopRunCancelsAPendingCoroutineAndWaitsForItToEnd() throws Exception {
        CompletableFuture<String> started = new CompletableFuture<>();
        String me = Thread.currentThread().getName();
        Loop.run(() -> {
            Async.fromSuspend("left-behind", c -> fx.untilCancelled(started, c));
            return started.thenApply(x -> "main ends");
        });
        List<String> events = new ArrayList<>(fx.getEvents());
        assertEquals("cancelled", events.get(0));
        assertTrue(events.get(1).startsWith("finally on " + me), events.toString());
    }

    @Test
    void aCancellationThrownInsideTheFunctionCancelsTheTask() {
        Task<Integer> t = Async.fromSuspend(c -> fx.throwsCancellation(c));
        assertThrows(CancellationException.class, t::join);
        assertTrue(t.isCancelled());
        // the exception itself (JDK 23+ join() throws a new CancellationException caused by it)
        assertEquals("gave up", t.handle((v, e) -> e.getMessage()).join());
    }

    @Test
    void aFunctionThatCancelsItsOwnCoroutineCancelsTheTaskWithAPlainCancellationException() {
        Task<Integer> t = Async.fromSuspend(c -> fx.cancelsOwnJob(c));
        assertThrows(CancellationException.class, t::join);
        assertTrue(t.isCancelled());
        assertSame(CancellationException.class, t.handle((v, e) -> e.getClass()).join(), "no kotlinx exception type as the task's failure");
    }

    @Test
    void aKotlinTimeoutFailsTheTaskWithTimeoutExceptionRatherThanCancellingIt() throws Exception {
        Task<Integer> t = Async.fromSuspend(c -> fx.timesOut(c));
        CompletionException e = assertThrows(CompletionException.class, t::join);
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertFalse(t.isCancelled());
    }

    @Test
    void theCoroutineIsNamedAfterTheTask() throws Exception {
        Task<String> named = Async.fromSuspend("load-user", c -> fx.coroutineName(c));
        assertEquals("load-user", named.get(5, TimeUnit.SECONDS));
        Task<String> unnamed = Async.fromSuspend(c -> fx.coroutineName(c));
        assertEquals(unnamed.name(), unnamed.get(5, TimeUnit.SECONDS));
        assertTrue(unnamed.name().startsWith("Task-"));
    }

    @Test
    void theTaskIsCurrentWhileItsCoroutineRuns() throws Exception {
        AtomicReference<Task<List<?>>> ref = new AtomicReference<>();
        List<?> seen = Loop.run(() -> {
            Task<List<?>> t = Async.fromSuspend(c -> fx.currentTasks(c));
            ref.set(t);
            return t;
        });
        assertEquals(List.of(ref.get(), ref.get()), seen);
    }

    @Test
    void toStringSaysTheTaskAwaitsItsCoroutine() throws Exception {
        try (Loop loop = Loop.create("kotlin-tostring")) {
            CompletableFuture<String> started = new CompletableFuture<>();
            Task<String> t = onLoop(loop, () -> Async.fromSuspend("waiter", c -> fx.untilCancelled(started, c)));
            started.get(5, TimeUnit.SECONDS);
            assertEquals("Task[waiter, pending, awaiting coroutine]", t.toString());
            t.cancel();
            assertEquals("Task[waiter, cancelled]", t.toString());
        }
    }

    @Test
    void theFunctionCanAwaitAJavaTaskAndCancellingItsTaskCancelsThatTask() throws Exception {
        assertEquals("awaited x", Loop.run(() -> Async.<String>fromSuspend(c -> fx.awaitStage(Async.sleep(Duration.ofMillis(2), "x"), c))));
        boolean innerCancelled = Loop.run(() -> {
            Task<String> inner = Async.sleep(Duration.ofHours(1), "never");
            Task<String> outer = Async.fromSuspend(c -> fx.awaitStage(inner, c));
            return Async.sleep(Duration.ZERO).thenCompose(x -> {
                outer.cancel();
                return inner.handle((v, e) -> inner.isCancelled()); // never completes if the cancel does not reach it
            });
        });
        assertTrue(innerCancelled);
    }

    @Test
    void aUnitFunctionCompletesWithKotlinUnit() throws Exception {
        Task<kotlin.Unit> t = Async.fromSuspend(c -> fx.nothing(c));
        assertSame(kotlin.Unit.INSTANCE, t.get(5, TimeUnit.SECONDS));
    }

    @Test
    void gatherAndWaitForTakeSuspendTasksLikeAnyOther() throws Exception {
        List<Integer> all = Loop.run(() -> Async.gather(
                Async.<Integer>fromSuspend(c -> fx.delayed(1, 3, c)),
                Async.<Integer>fromSuspend(c -> fx.immediate(5, c))));
        assertEquals(List.of(2, 10), all);
        CompletableFuture<String> started = new CompletableFuture<>();
        assertThrows(TimeoutException.class, () -> Loop.run(() -> Async.waitFor(Async.<String>fromSuspend(c -> fx.untilCancelled(started, c)), Duration.ofMillis(10))));
        assertTrue(fx.getEvents().contains("cancelled"), "waitFor's timeout cancels the coroutine");
    }

    @Test
    void argumentsAreChecked() {
        assertEquals("call", assertThrows(NullPointerException.class, () -> Async.fromSuspend(null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> Async.fromSuspend(null, c -> null)).getMessage());
        assertEquals("call", assertThrows(NullPointerException.class, () -> Async.fromSuspend("n", null)).getMessage());
    }
}

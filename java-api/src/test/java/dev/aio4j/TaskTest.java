package dev.aio4j;

import static dev.aio4j.Support.FOREVER;
import static dev.aio4j.Support.assertEndsCancelled;
import static dev.aio4j.Support.assertFailsWith;
import static dev.aio4j.Support.awaitBlocked;
import static dev.aio4j.Support.awaitDone;
import static dev.aio4j.Support.block;
import static dev.aio4j.Support.done;
import static dev.aio4j.Support.get;
import static dev.aio4j.Support.onLoop;
import static dev.aio4j.Support.sync;
import static dev.aio4j.Support.unwrap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class TaskTest {
    private Loop loop;
    private Thread loopThread;
    private final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startLoop() throws Exception {
        loop = Loop.create("task-test");
        loop.setExceptionHandler((message, error) -> reported.add(error));
        loopThread = onLoop(loop, Thread::currentThread);
    }

    @AfterEach
    void closeLoop() {
        loop.close();
        assertEquals(List.of(), reported, "failures reported to the loop's exception handler");
    }

    private <T> Task<T> pending() {
        return loop.task(CompletableFuture::new);
    }

    // ------------------------------------------------------------------ identity

    @Test
    void nameIsTheOneGivenAtCreation() {
        Task<String> t = loop.task("fetch-users", () -> done("x"));
        assertEquals("fetch-users", t.name());
    }

    @Test
    void unnamedTasksGetDistinctNumberedNames() {
        Task<String> a = loop.task(() -> done("a"));
        Task<String> b = loop.task(() -> done("b"));
        assertTrue(a.name().matches("Task-\\d+"), a.name());
        assertTrue(b.name().matches("Task-\\d+"), b.name());
        assertNotEquals(a.name(), b.name());
    }

    @Test
    void loopIsTheLoopTheTaskRunsOn() throws Exception {
        assertSame(loop, loop.task(() -> done(1)).loop());
        assertSame(Loop.shared(), Async.task(() -> done(1)).loop());
        Task<Task<Integer>> made = loop.task(() -> done(Async.task(() -> done(1))));
        assertSame(loop, get(made).loop());
    }

    @Test
    void toStringOfAPendingTaskShowsWhatItAwaits() throws Exception {
        Task<String> inner = loop.task("db-query", CompletableFuture::new);
        Task<String> outer = loop.task("fetch-users", () -> inner);
        sync(loop);
        assertEquals("Task[fetch-users, pending, awaiting Task[db-query]]", outer.toString());
        assertEquals("Task[db-query, pending, awaiting CompletableFuture]", inner.toString());
        outer.cancel();
    }

    @Test
    void toStringOfADoneTaskTellsHowItEnded() throws Exception {
        Task<String> ok = loop.task("ok", () -> done("v"));
        Task<String> failed = loop.task("failed", () -> {
            throw new IOException("reset");
        });
        Task<String> cancelled = loop.task("cancelled", CompletableFuture::new);
        cancelled.cancel();
        awaitDone(ok);
        awaitDone(failed);
        assertEquals("Task[ok, done]", ok.toString());
        assertEquals("Task[failed, failed: java.io.IOException: reset]", failed.toString());
        assertEquals("Task[cancelled, cancelled]", cancelled.toString());
    }

    // ------------------------------------------------------------------ cancel

    @Test
    void cancelCompletesThePendingTaskAtOnceFromAnyThread() {
        Task<String> t = pending();
        assertTrue(t.cancel());
        assertTrue(t.isDone());
        assertTrue(t.isCancelled());
        assertTrue(t.isCompletedExceptionally());
        assertFalse(t.cancel());
        assertFalse(t.cancel(true));
        assertFalse(t.cancel("again"));
    }

    @Test
    void cancelFalseCancelsToo() {
        Task<String> t = pending();
        assertTrue(t.cancel(false));
        assertTrue(t.isCancelled());
    }

    /** The message of a cancellation; since JDK 23, join/get throw a new one whose cause has it. */
    private static String cancelMessage(CancellationException e) {
        return e.getCause() instanceof CancellationException c ? c.getMessage() : e.getMessage();
    }

    @Test
    void cancelMessageReachesTheCancellationException() {
        Task<String> t = pending();
        assertTrue(t.cancel("shutting down"));
        assertEquals("shutting down", cancelMessage(assertThrows(CancellationException.class, t::join)));
        assertEquals("shutting down", cancelMessage(assertThrows(CancellationException.class, t::get)));
        CancellationException fromResult = assertThrows(CancellationException.class, t::result);
        assertEquals("shutting down", fromResult.getMessage());
        assertSame(fromResult, assertThrows(CancellationException.class, t::exception), "one cancellation, not a copy");
    }

    @Test
    void cancelMessageTravelsToTheTasksAwaitingIt() throws Exception {
        Task<String> t = pending();
        t.cancel("upstream gave up");
        Task<String> awaiting = loop.task(() -> t);
        assertEndsCancelled(awaiting);
        assertEquals("upstream gave up", assertThrows(CancellationException.class, awaiting::exception).getMessage());
        assertEquals("upstream gave up",
                assertThrows(CancellationException.class, () -> loop.runUntilComplete(awaiting)).getMessage());
        assertEquals("upstream gave up", assertThrows(CancellationException.class, () -> Async.await(t)).getMessage());
    }

    @Test
    void cancellingBeforeTheTaskStartedKeepsItsBodyFromRunning() throws Exception {
        CountDownLatch gate = block(loop);
        AtomicBoolean ran = new AtomicBoolean();
        Task<String> t = loop.task(() -> {
            ran.set(true);
            return done("x");
        });
        assertTrue(t.cancel());
        gate.countDown();
        sync(loop);
        assertFalse(ran.get(), "the body ran after the task was cancelled");
        assertTrue(t.isCancelled());
    }

    @Test
    void cancellingWhileSuspendedCancelsTheAwaitedFutureOnTheLoopThread() throws Exception {
        CompletableFuture<String> awaited = new CompletableFuture<>();
        CompletableFuture<Thread> cleanup = new CompletableFuture<>();
        awaited.whenComplete((v, e) -> cleanup.complete(Thread.currentThread()));
        Task<String> t = loop.task(() -> awaited);
        sync(loop);
        assertTrue(t.cancel());
        assertSame(loopThread, get(cleanup), "the awaited future was cancelled off the loop thread");
        assertTrue(awaited.isCancelled());
    }

    @Test
    void cancelReturnsAtOnceAndTheWorkIsCancelledAfterwardsOnTheLoop() throws Exception {
        Steps steps = new Steps();
        CompletableFuture<String> awaited = new CompletableFuture<>();
        awaited.whenComplete((v, e) -> {
            assertSame(loopThread, Thread.currentThread());
            steps.expect(3);
        });
        Task<String> t = loop.task(() -> awaited);
        sync(loop);
        CountDownLatch gate = block(loop); // the loop is busy: cancel() must not wait for it
        steps.expect(1);
        assertTrue(t.cancel());
        assertTrue(t.isCancelled());
        steps.expect(2);
        gate.countDown();
        sync(loop);
        steps.finish(4);
    }

    @Test
    void bodiesRunInCreationOrderAndAnAwaitingTaskResumesWhenTheAwaitedOneCompletes() throws Exception {
        Steps steps = new Steps();
        CompletableFuture<String> gate = new CompletableFuture<>();
        Task<String> inner = loop.task(() -> {
            steps.expect(1);
            return gate;
        });
        Task<String> outer = loop.task(() -> {
            steps.expect(2);
            return inner.thenApply(v -> {
                steps.expect(4);
                return v + "!";
            });
        });
        sync(loop);
        steps.expect(3);
        gate.complete("v");
        assertEquals("v!", get(outer));
        steps.finish(5);
    }

    @Test
    void cancellingAfterCompletionChangesNothing() throws Exception {
        Task<String> ok = loop.task(() -> done("v"));
        Task<String> failed = loop.task(() -> CompletableFuture.failedFuture(new IOException("x")));
        awaitDone(ok);
        awaitDone(failed);
        assertFalse(ok.cancel());
        assertFalse(failed.cancel("late"));
        assertEquals("v", ok.join());
        assertFalse(ok.isCancelled());
        assertFalse(failed.isCancelled());
        assertInstanceOf(IOException.class, failed.exception());
    }

    @Test
    void cancellingATaskCancelsTheTaskItAwaitsAndTheChainBelow() throws Exception {
        AtomicReference<Task<Void>> sleep = new AtomicReference<>();
        Task<Void> bottom = loop.task("bottom", () -> {
            sleep.set(Async.sleep(FOREVER));
            return sleep.get();
        });
        Task<Void> middle = loop.task("middle", () -> bottom);
        Task<Void> top = loop.task("top", () -> middle);
        sync(loop);
        assertTrue(top.cancel());
        assertEndsCancelled(middle);
        assertEndsCancelled(bottom);
        assertEndsCancelled(sleep.get());
    }

    @Test
    void aFailureAfterCancellationIsDroppedQuietly() throws Exception {
        CompletableFuture<String> stubborn = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                return false; // ignores cancellation
            }
        };
        Task<String> t = loop.task(() -> stubborn);
        sync(loop);
        assertTrue(t.cancel());
        sync(loop);
        stubborn.completeExceptionally(new IOException("late failure"));
        sync(loop);
        sync(loop);
        assertTrue(t.isCancelled());
        assertEquals(List.of(), reported); // checked again after close
    }

    // ------------------------------------------------------------------ result / exception

    @Test
    void resultOfAPendingTaskThrowsInvalidState() {
        Task<String> t = pending();
        InvalidStateException e = assertThrows(InvalidStateException.class, t::result);
        assertTrue(e.getMessage().contains("pending"), e.getMessage());
        assertInstanceOf(IllegalStateException.class, e);
        t.cancel();
    }

    @Test
    void resultReturnsTheValue() {
        Task<String> t = loop.task(() -> done("v"));
        awaitDone(t);
        assertEquals("v", t.result());
    }

    @Test
    void resultThrowsAnUncheckedFailureAsItIs() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        Task<String> t = loop.task(() -> {
            throw boom;
        });
        awaitDone(t);
        assertSame(boom, assertThrows(IllegalArgumentException.class, t::result));
    }

    @Test
    void resultWrapsACheckedFailureInCompletionException() {
        IOException io = new IOException("io");
        Task<String> t = loop.task(() -> CompletableFuture.failedFuture(io));
        awaitDone(t);
        assertSame(io, assertThrows(CompletionException.class, t::result).getCause());
    }

    @Test
    void resultOfACancelledTaskThrowsCancellation() {
        Task<String> t = pending();
        t.cancel();
        assertThrows(CancellationException.class, t::result);
    }

    @Test
    void exceptionOfAPendingTaskThrowsInvalidState() {
        Task<String> t = pending();
        assertThrows(InvalidStateException.class, t::exception);
        t.cancel();
    }

    @Test
    void exceptionIsNullAfterSuccess() {
        Task<String> t = loop.task(() -> done("v"));
        awaitDone(t);
        assertNull(t.exception());
    }

    @Test
    void exceptionIsTheFailureUnwrapped() {
        IOException io = new IOException("io");
        Task<String> thrown = loop.task(() -> {
            throw io;
        });
        Task<String> wrapped = loop.task(() -> CompletableFuture.failedFuture(new CompletionException(io)));
        awaitDone(thrown);
        awaitDone(wrapped);
        assertSame(io, thrown.exception());
        assertSame(io, wrapped.exception());
    }

    @Test
    void exceptionOfACancelledTaskThrowsCancellation() {
        Task<String> t = pending();
        t.cancel();
        assertThrows(CancellationException.class, t::exception);
    }

    @Test
    void aBodyReturningNullFailsTheTaskWithNullPointerException() {
        Task<String> t = loop.task(() -> null);
        assertFailsWith(NullPointerException.class, t);
    }

    // ------------------------------------------------------------------ done callbacks

    @Test
    void doneCallbackRunsOnTheTasksLoopThreadWithTheTask() throws Exception {
        CompletableFuture<String> gate = new CompletableFuture<>();
        Task<String> t = loop.task(() -> gate);
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        CompletableFuture<Task<String>> arg = new CompletableFuture<>();
        t.addDoneCallback(task -> {
            arg.complete(task);
            thread.complete(Thread.currentThread());
        });
        sync(loop);
        assertFalse(arg.isDone());
        gate.complete("v"); // completed from the test thread
        assertSame(t, get(arg));
        assertSame(loopThread, get(thread));
    }

    @Test
    void doneCallbackOfATaskCancelledFromAnotherThreadRunsOnTheLoopThread() throws Exception {
        Task<String> t = pending();
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        t.addDoneCallback(task -> thread.complete(Thread.currentThread()));
        t.cancel();
        assertSame(loopThread, get(thread));
    }

    @Test
    void doneCallbackAddedAfterCompletionRunsSoonOnTheLoopThread() throws Exception {
        Task<String> t = loop.task(() -> done("v"));
        awaitDone(t);
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        t.addDoneCallback(task -> thread.complete(Thread.currentThread()));
        assertSame(loopThread, get(thread));
    }

    @Test
    void removeDoneCallbackRemovesEveryRegistrationAndCountsThem() throws Exception {
        CompletableFuture<String> gate = new CompletableFuture<>();
        Task<String> t = loop.task(() -> gate);
        AtomicInteger removedCalls = new AtomicInteger();
        Consumer<Task<String>> removed = task -> removedCalls.incrementAndGet();
        CompletableFuture<Void> kept = new CompletableFuture<>();
        t.addDoneCallback(removed);
        t.addDoneCallback(task -> kept.complete(null));
        t.addDoneCallback(removed);
        assertEquals(2, t.removeDoneCallback(removed));
        assertEquals(0, t.removeDoneCallback(removed));
        gate.complete("v");
        get(kept);
        sync(loop);
        assertEquals(0, removedCalls.get());
    }

    @Test
    void removeDoneCallbackAfterItRanReturnsZero() throws Exception {
        Task<String> t = loop.task(() -> done("v"));
        CompletableFuture<Void> ran = new CompletableFuture<>();
        Consumer<Task<String>> cb = task -> ran.complete(null);
        t.addDoneCallback(cb);
        get(ran);
        assertEquals(0, t.removeDoneCallback(cb));
    }

    @Test
    void aThrowingDoneCallbackGoesToTheExceptionHandlerAndOthersStillRun() throws Exception {
        CompletableFuture<Throwable> handled = new CompletableFuture<>();
        loop.setExceptionHandler((message, error) -> handled.complete(error));
        IllegalStateException boom = new IllegalStateException("boom");
        Task<String> t = loop.task(() -> done("v"));
        CompletableFuture<Void> second = new CompletableFuture<>();
        t.addDoneCallback(task -> {
            throw boom;
        });
        t.addDoneCallback(task -> second.complete(null));
        assertSame(boom, get(handled));
        get(second);
    }

    @Test
    void doneCallbackArgumentsAreChecked() {
        Task<String> t = pending();
        assertEquals("callback", assertThrows(NullPointerException.class, () -> t.addDoneCallback(null)).getMessage());
        assertEquals("callback", assertThrows(NullPointerException.class, () -> t.removeDoneCallback(null)).getMessage());
        t.cancel();
    }

    // ------------------------------------------------------------------ read-only

    @Test
    void aTaskIsReadOnlyFromOutside() {
        Task<String> t = pending();
        assertThrows(UnsupportedOperationException.class, () -> t.complete("x"));
        assertThrows(UnsupportedOperationException.class, () -> t.completeExceptionally(new IOException()));
        assertThrows(UnsupportedOperationException.class, () -> t.obtrudeValue("x"));
        assertThrows(UnsupportedOperationException.class, () -> t.obtrudeException(new IOException()));
        assertThrows(UnsupportedOperationException.class, () -> t.completeAsync(() -> "x"));
        assertThrows(UnsupportedOperationException.class, () -> t.completeAsync(() -> "x", Runnable::run));
        assertThrows(UnsupportedOperationException.class, () -> t.orTimeout(1, TimeUnit.MILLISECONDS));
        assertThrows(UnsupportedOperationException.class, () -> t.completeOnTimeout("x", 1, TimeUnit.MILLISECONDS));
        assertFalse(t.isDone());
        t.cancel();
    }

    @Test
    void aDoneTaskIsReadOnlyToo() {
        Task<String> t = loop.task(() -> done("v"));
        awaitDone(t);
        assertThrows(UnsupportedOperationException.class, () -> t.complete("x"));
        assertThrows(UnsupportedOperationException.class, () -> t.obtrudeValue("x"));
        assertThrows(UnsupportedOperationException.class, () -> t.obtrudeException(new IOException()));
        assertEquals("v", t.join());
    }

    // ------------------------------------------------------------------ derived chains

    @Test
    void cancellingTheEndOfADerivedChainCancelsTheRootTask() throws Exception {
        CompletableFuture<Integer> awaited = new CompletableFuture<>();
        Task<Integer> root = loop.task(() -> awaited);
        sync(loop);
        CompletableFuture<Throwable> seenInChain = new CompletableFuture<>();
        CompletableFuture<Integer> last = root.thenApply(x -> x + 1)
                .whenComplete((v, e) -> seenInChain.complete(e))
                .thenApply(x -> x * 2);
        assertTrue(last.cancel(true));
        assertTrue(root.isCancelled());
        assertInstanceOf(CancellationException.class, unwrap(get(seenInChain)));
        assertTrue(last.isCancelled(), "cancel() returned true but isCancelled() is false");
        assertThrows(CancellationException.class, last::join);
        assertEndsCancelled(awaited);
    }

    @Test
    void cancellingAComposedStageCancelsTheRootTask() throws Exception {
        Task<Integer> root = pending();
        CompletableFuture<Integer> composed = root.thenCompose(x -> done(x + 1));
        assertTrue(composed.cancel(true));
        assertTrue(root.isCancelled());
        assertTrue(composed.isCancelled());
    }

    @Test
    void cancellingATaskRunsTheCleanupOfTheChainItReturnedOnItsLoopThread() throws Exception {
        CompletableFuture<Object[]> cleanup = new CompletableFuture<>();
        Task<Integer> t = loop.task(() -> Async.sleep(FOREVER, 1)
                .whenComplete((v, e) -> cleanup.complete(new Object[] {Thread.currentThread(), e}))
                .thenApply(x -> x + 1));
        sync(loop);
        t.cancel(); // from the test thread
        Object[] seen = get(cleanup);
        assertSame(loopThread, seen[0]);
        assertInstanceOf(CancellationException.class, unwrap((Throwable) seen[1]));
    }

    @Test
    void cancellingATaskRunsTheWhenCompleteItsBodyEndedWith() throws Exception {
        CompletableFuture<Throwable> cleanup = new CompletableFuture<>();
        Task<Integer> t = loop.task(() -> Async.sleep(FOREVER, 1).whenComplete((v, e) -> cleanup.complete(e)));
        sync(loop);
        t.cancel();
        assertInstanceOf(CancellationException.class, unwrap(get(cleanup)));
    }

    @Test
    void cancellingADerivedStageDirectlyRunsItsOwnCallback() throws Exception {
        Task<Integer> root = pending();
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        CompletableFuture<Integer> stage = root.whenComplete((v, e) -> seen.complete(e));
        assertTrue(stage.cancel(true));
        assertInstanceOf(CancellationException.class, get(seen));
        assertTrue(stage.isCancelled());
        assertTrue(root.isCancelled());
    }

    @Test
    void cancellingADoneDerivedStageCancelsNothing() throws Exception {
        Task<Integer> a = pending();
        CompletableFuture<Integer> b = new CompletableFuture<>();
        CompletableFuture<Integer> either = a.applyToEither(b, x -> x);
        b.complete(1);
        assertEquals(1, get(either));
        assertFalse(either.cancel(true));
        assertFalse(a.isCancelled());
        a.cancel();
    }

    @Test
    void copyIsCancelledLocally() throws Exception {
        CompletableFuture<String> awaited = new CompletableFuture<>();
        Task<String> root = loop.task(() -> awaited);
        CompletableFuture<String> copy = root.copy();
        assertTrue(copy.cancel(true));
        assertTrue(copy.isCancelled());
        assertFalse(root.isCancelled());
        sync(loop);
        assertFalse(awaited.isCancelled());
        awaited.complete("v");
        assertEquals("v", get(root));
    }

    @Test
    void copyCompletesAsTheTaskDoes() throws Exception {
        IOException io = new IOException("io");
        Task<String> ok = loop.task(() -> Async.sleep(Duration.ofMillis(1), "v"));
        Task<String> failed = loop.task(() -> CompletableFuture.failedFuture(io));
        Task<String> cancelled = pending();
        CompletableFuture<String> okCopy = ok.copy();
        CompletableFuture<String> failedCopy = failed.copy();
        CompletableFuture<String> cancelledCopy = cancelled.copy();
        cancelled.cancel();
        assertEquals("v", get(okCopy));
        assertSame(io, assertThrows(ExecutionException.class, () -> get(failedCopy)).getCause());
        assertThrows(CancellationException.class, () -> get(cancelledCopy));
    }

    // ------------------------------------------------------------------ default executor

    @Test
    void defaultExecutorIsTheTasksLoop() throws Exception {
        Task<String> t = loop.task(() -> done("v"));
        assertSame(loop, t.defaultExecutor());
        assertSame(loopThread, get(t.thenApplyAsync(x -> Thread.currentThread())));
        assertSame(loopThread, get(t.thenApply(x -> x).thenApplyAsync(x -> Thread.currentThread())));
    }

    @Test
    void defaultExecutorOfASharedTaskIsTheSharedLoop() throws Exception {
        Task<String> t = Async.task(() -> done("v"));
        assertSame(Loop.shared(), t.defaultExecutor());
        assertEquals(Loop.shared(), get(t.thenApplyAsync(x -> Loop.current().orElse(null))));
    }

    // ------------------------------------------------------------------ deadlock guard

    @Test
    void getAndJoinOnTheTasksOwnLoopThreadThrowAtOnce() throws Exception {
        Task<String> t = pending();
        String message = onLoop(loop, () -> {
            assertThrows(IllegalStateException.class, t::get);
            assertThrows(IllegalStateException.class, () -> t.get(1, TimeUnit.HOURS));
            assertThrows(IllegalStateException.class, () -> t.thenApply(x -> x).join());
            return assertThrows(IllegalStateException.class, t::join).getMessage();
        });
        assertTrue(message.contains("deadlock"), message);
        assertFalse(t.isDone());
        t.cancel();
    }

    @Test
    void joinInsideLoopRunOnAPendingTaskThrowsAtOnce() throws Exception {
        String r = Loop.run(() -> {
            Task<String> other = Async.task(CompletableFuture::new);
            assertThrows(IllegalStateException.class, other::join);
            return done("ok");
        });
        assertEquals("ok", r);
    }

    @Test
    void joinOnADoneTaskIsAllowedOnItsLoopThread() throws Exception {
        Task<String> t = loop.task(() -> done("v"));
        awaitDone(t);
        assertEquals("v", onLoop(loop, t::join));
        assertEquals("v", onLoop(loop, t::get));
    }

    // ------------------------------------------------------------------ exception wrapping

    @Test
    void joinAndGetWrapTheFailureOnceWhenAlreadyDone() {
        IOException io = new IOException("io");
        Task<String> thrown = loop.task(() -> {
            throw io;
        });
        Task<String> wrapped = loop.task(() -> CompletableFuture.failedFuture(new CompletionException(io)));
        Task<String> viaTask = loop.task(() -> thrown);
        for (Task<String> t : List.of(thrown, wrapped, viaTask)) {
            awaitDone(t);
            assertSame(io, assertThrows(CompletionException.class, t::join).getCause(), t.toString());
            assertSame(io, assertThrows(ExecutionException.class, t::get).getCause(), t.toString());
        }
    }

    @Test
    void joinWrapsTheFailureOnceWhileWaiting() throws Exception {
        IOException io = new IOException("io");
        CompletableFuture<String> gate = new CompletableFuture<>();
        Task<String> t = loop.task(() -> gate);
        Thread me = Thread.currentThread();
        Thread failer = new Thread(() -> {
            awaitBlocked(me);
            gate.completeExceptionally(io);
        });
        failer.start();
        CompletionException e = assertThrows(CompletionException.class, t::join);
        assertSame(io, e.getCause());
        failer.join();
    }

    @Test
    void getWrapsTheFailureOnceWhileWaiting() throws Exception {
        IOException io = new IOException("io");
        CompletableFuture<String> gate = new CompletableFuture<>();
        Task<String> t = loop.task(() -> gate);
        Thread me = Thread.currentThread();
        Thread failer = new Thread(() -> {
            awaitBlocked(me);
            gate.completeExceptionally(new CompletionException(io));
        });
        failer.start();
        ExecutionException e = assertThrows(ExecutionException.class, () -> t.get(10, TimeUnit.SECONDS));
        assertSame(io, e.getCause());
        failer.join();
    }
}

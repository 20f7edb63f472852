package dev.aio4j;

import static dev.aio4j.SyncTesting.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing accumulates on a foreign future (one that is not a task): a helper that stops listening
 * to a long-lived plain {@code CompletableFuture} leaves nothing on it that leads back to its task
 * or its result, however many times it is called. The long-lived future may keep a small dead
 * callback per call (the JDK cannot remove one), never the waiter.
 */
@Timeout(300)
class ForeignFutureLeakTest {
    private static final int CALLS = 100_000;
    /** Calls are made a batch at a time, then checked: fewer hand-offs between the test thread and the loop. */
    private static final int BATCH = 1_000;
    private static final Duration FOREVER = Duration.ofDays(365);

    /** A future that refuses cancellation, as some libraries' futures do: {@code waitFor} has to give up on it. */
    static final class Uncancellable<T> extends CompletableFuture<T> {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }
    }

    @Test
    void repeatedWaitsOnALongLivedFutureLeaveNothingReachable() {
        CompletableFuture<String> longLived = new CompletableFuture<>();
        List<WeakReference<Object>> refs = new ArrayList<>(CALLS);
        for (int b = 0; b < CALLS / BATCH; b++) {
            List<CompletableFuture<String>> signals = new ArrayList<>(BATCH);
            List<Task<Done<CompletableFuture<String>>>> waits = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                CompletableFuture<String> signal = new CompletableFuture<>();
                signals.add(signal);
                waits.add(Async.wait(List.of(longLived, signal), ReturnWhen.FIRST_COMPLETED));
            }
            for (int i = 0; i < BATCH; i++) signals.get(i).complete("signal " + i);
            for (int i = 0; i < BATCH; i++) {
                Done<CompletableFuture<String>> done = await(waits.get(i));
                assertSame(signals.get(i), done.done().iterator().next());
                refs.add(new WeakReference<>(waits.get(i)));
                refs.add(new WeakReference<>(done));
            }
        }
        assertCollected(refs, "finished waits and their results");
        assertFalse(longLived.isDone());
    }

    @Test
    void repeatedWaitForsThatTimeOutOnAFutureThatRefusesCancellationLeaveNothingReachable() {
        Uncancellable<String> longLived = new Uncancellable<>();
        List<WeakReference<Object>> refs = new ArrayList<>(CALLS);
        for (int b = 0; b < CALLS / BATCH; b++) {
            List<Task<String>> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) batch.add(Async.waitFor(longLived, Duration.ZERO));
            for (Task<String> w : batch) {
                assertInstanceOf(TimeoutException.class, failure(w));
                refs.add(new WeakReference<>(w));
            }
        }
        assertCollected(refs, "timed-out waitFors");
        assertFalse(longLived.isDone());
    }

    @Test
    void repeatedWaitForsThatTimeOutOnAMinimalStageLeaveNothingReachable() {
        CompletableFuture<String> longLived = new CompletableFuture<>();
        CompletionStage<String> minimal = longLived.minimalCompletionStage(); // cancelling it cancels only a copy
        List<WeakReference<Object>> refs = new ArrayList<>(CALLS);
        for (int b = 0; b < CALLS / BATCH; b++) {
            List<Task<String>> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) batch.add(Async.waitFor(minimal, Duration.ZERO));
            for (Task<String> w : batch) {
                assertInstanceOf(TimeoutException.class, failure(w));
                refs.add(new WeakReference<>(w));
            }
        }
        assertCollected(refs, "timed-out waitFors");
        assertFalse(longLived.isDone());
    }

    @Test
    void repeatedWaitForsCancelledOnAFutureThatRefusesCancellationLeaveNothingReachable() {
        Uncancellable<String> longLived = new Uncancellable<>();
        List<WeakReference<Object>> refs = new ArrayList<>(CALLS);
        for (int i = 0; i < CALLS; i++) {
            Task<String> w = Async.waitFor(longLived, FOREVER);
            assertTrue(w.cancel());
            refs.add(new WeakReference<>(w));
        }
        assertCollected(refs, "cancelled waitFors");
        assertFalse(longLived.isDone());
    }

    @Test
    void repeatedAsCompletedWithATimeoutOnALongLivedFutureLeaveNothingReachable() {
        CompletableFuture<String> longLived = new CompletableFuture<>();
        List<WeakReference<Object>> refs = new ArrayList<>(CALLS);
        for (int b = 0; b < CALLS / BATCH; b++) {
            List<Task<String>> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) batch.add(Async.asCompleted(List.of(longLived), Duration.ZERO).get(0));
            for (Task<String> out : batch) {
                assertInstanceOf(TimeoutException.class, failure(out));
                refs.add(new WeakReference<>(out));
            }
        }
        assertCollected(refs, "timed-out asCompleted outputs");
        assertFalse(longLived.isDone());
    }

    @Test
    void repeatedShieldsCancelledOnALongLivedFutureLeaveNothingReachable() {
        CompletableFuture<String> longLived = new CompletableFuture<>();
        List<WeakReference<Object>> refs = new ArrayList<>(CALLS);
        for (int i = 0; i < CALLS; i++) {
            Task<String> s = Async.shield(longLived);
            assertTrue(s.cancel());
            refs.add(new WeakReference<>(s));
        }
        assertCollected(refs, "cancelled shields");
        assertFalse(longLived.isDone());
        // the extra check: each call left at most one (dead) callback on the future
        assertTrue(longLived.getNumberOfDependents() <= CALLS, "dependents: " + longLived.getNumberOfDependents());
    }

    /**
     * asCompleted arms its timer only after it listens: a zero timeout firing on another worker can
     * no longer stop listening before the listener exists and leave it on the awaited task.
     */
    @Test
    void asCompletedWithAZeroTimeoutOnTheSharedLoopLeavesNoListenerOnALongLivedTask() {
        Task<String> longLived = Async.sleep(FOREVER, "long");
        assertSame(Loop.shared(), longLived.loop());
        List<WeakReference<Object>> zero = new ArrayList<>();
        List<WeakReference<Object>> oneNano = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            for (Duration timeout : List.of(Duration.ZERO, Duration.ofNanos(1))) {
                List<Task<String>> outs = Async.asCompleted(List.of(longLived), timeout);
                assertInstanceOf(TimeoutException.class, failure(outs.get(0)));
                (timeout.isZero() ? zero : oneNano).add(new WeakReference<>(outs.get(0)));
            }
        }
        // and from code running on the shared loop's workers, where the timer's worker races the caller's
        List<WeakReference<Object>> onWorkers = asCompletedOnWorkers(longLived);
        // an AsCompletedCore left listening on longLived would keep its outputs reachable from it
        assertCollected(zero, "outputs of asCompleted(.., ZERO) called off the loop");
        assertCollected(oneNano, "outputs of asCompleted(.., 1 ns) called off the loop");
        assertCollected(onWorkers, "outputs of asCompleted(.., ZERO) called on the loop's workers");
        assertFalse(longLived.isDone());
        longLived.cancel();
    }

    /** In its own frame, so that no dead local of the caller keeps the outputs reachable. */
    private static List<WeakReference<Object>> asCompletedOnWorkers(Task<String> longLived) {
        List<List<Task<String>>> fromWorkers = await(Async.gather(IntStream.range(0, 1_000)
                .mapToObj(i -> Async.task(() -> CompletableFuture.completedFuture(Async.asCompleted(List.of(longLived), Duration.ZERO))))
                .toList()));
        List<WeakReference<Object>> refs = new ArrayList<>();
        for (List<Task<String>> outs : fromWorkers) {
            assertInstanceOf(TimeoutException.class, failure(outs.get(0)));
            refs.add(new WeakReference<>(outs.get(0)));
        }
        return refs;
    }

    /** The failure of a stage, unwrapped, waiting for it (bounded). */
    private static Throwable failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected " + stage + " to fail");
    }

    /** Runs full collections until every reference is cleared (bounded by a deadline, never by a count of sleeps), or fails. */
    static void assertCollected(List<? extends WeakReference<?>> refs, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            long alive = refs.stream().filter(r -> r.get() != null).count();
            if (alive == 0) return;
            if (System.nanoTime() > deadline) fail(alive + " of " + refs.size() + " " + what + " are still reachable");
            System.gc();
            Thread.yield();
        }
    }
}

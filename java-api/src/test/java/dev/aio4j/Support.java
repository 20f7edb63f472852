package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small helpers shared by the tests: waiting with a bound, running code on a loop, unwrapping. */
final class Support {
    private Support() {}

    /** Longer than any test runs: a sleep or timer of this length must never fire. */
    static final Duration FOREVER = Duration.ofDays(365);

    /** The largest Duration there is. */
    static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    /** How long a test waits for something that should happen at once. */
    static final long WAIT_SECONDS = 10;

    static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    /** Waits (bounded) for the latch. */
    static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "latch was not released in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits (bounded) for the future and returns its value; fails the test on timeout. */
    static <T> T get(Future<T> f) throws ExecutionException, InterruptedException {
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("not done in time: " + f, e);
        }
    }

    /** Waits (bounded) for the stage to complete, in any way. */
    static void awaitDone(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().handle((v, e) -> null).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("not done in time: " + stage, e);
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits (bounded) for the stage to complete and returns its failure, unwrapped; null if it succeeded. */
    static Throwable failureOf(CompletionStage<?> stage) {
        CompletableFuture<Throwable> f = new CompletableFuture<>();
        stage.whenComplete((v, e) -> f.complete(e == null ? null : unwrap(e)));
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("not done in time: " + stage, e);
        }
    }

    /** Asserts that the stage ends (bounded wait) failing with {@code type}, and returns that failure. */
    static <X extends Throwable> X assertFailsWith(Class<X> type, CompletionStage<?> stage) {
        Throwable e = failureOf(stage);
        if (e == null) fail("expected " + type.getSimpleName() + " but " + stage + " succeeded");
        return assertInstanceOf(type, e);
    }

    /** Asserts that the future ends (bounded wait) cancelled. */
    static void assertEndsCancelled(Future<?> f) {
        try {
            f.get(WAIT_SECONDS, TimeUnit.SECONDS);
            fail("expected a cancellation, but " + f + " succeeded");
        } catch (CancellationException expected) {
            assertTrue(f.isCancelled(), "isCancelled() of " + f);
        } catch (ExecutionException e) {
            fail("expected a cancellation, but " + f + " failed", e);
        } catch (TimeoutException e) {
            fail("expected a cancellation, but " + f + " is still pending");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** Runs {@code code} on the loop's thread (as a plain callback, not a task) and returns its result. */
    static <T> T onLoop(Loop loop, Callable<T> code) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.callSoon(() -> {
            try {
                f.complete(code.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) throw err;
            if (e.getCause() instanceof Exception ex) throw ex;
            throw e;
        }
    }

    /** One trip around the loop: everything queued on it before this call has run when it returns. */
    static void sync(Loop loop) throws Exception {
        onLoop(loop, () -> null);
    }

    /** Blocks the loop's thread until the returned latch is released: work queued meanwhile waits. */
    static CountDownLatch block(Loop loop) {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        loop.callSoon(() -> {
            blocked.countDown();
            await(gate);
        });
        await(blocked);
        return gate;
    }

    /** Runs full collections until every reference is cleared (bounded), or fails. */
    static void assertCollected(List<? extends WeakReference<?>> refs, String what) {
        for (int round = 0; round < 50; round++) {
            if (refs.stream().allMatch(r -> r.get() == null)) return;
            System.gc();
        }
        long alive = refs.stream().filter(r -> r.get() != null).count();
        fail(alive + " of " + refs.size() + " " + what + " are still reachable");
    }

    static void assertCollected(WeakReference<?> ref, String what) {
        assertCollected(List.of(ref), what);
        assertNull(ref.get());
    }

    /** Spins until {@code t} is blocked (waiting), bounded. */
    /** Waits (yielding, at most {@link #WAIT_SECONDS}) until {@code condition} holds; fails otherwise. */
    static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) fail("the condition did not hold within " + WAIT_SECONDS + " s");
            Thread.yield();
        }
    }

    static void awaitBlocked(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) return;
            if (System.nanoTime() - deadline > 0) fail(t + " did not block in time");
            Thread.onSpinWait();
        }
    }
}

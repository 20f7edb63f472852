package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers for the sync primitive tests: bounded waits and two-thread races. */
final class SyncTesting {
    private SyncTesting() {}

    /** How many times each hand-over race is run (each round: two threads acting at the same instant). */
    static final int RACE_ROUNDS = 2_000;

    /** Spins (yielding) until {@code condition} holds; fails after 10 s. */
    static void waitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not reached in 10 s");
            Thread.yield();
        }
    }

    /** Waits (from a test thread) at most 10 s for the stage and returns its value; fails the test on timeout. */
    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting for " + stage, e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        }
    }

    /** The failure of a stage that must fail within 10 s (unwrapped). */
    static Throwable failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("waiting for " + stage + " to fail", e);
        }
        return fail("expected " + stage + " to fail, it completed normally");
    }

    /** Asserts the future is still pending. */
    static void assertPending(CompletableFuture<?> f) {
        assertTrue(!f.isDone(), () -> "expected pending: " + f);
    }

    /** Runs tasks on their own loop thread, for tests that need "a task of loop X". */
    static <T> T onLoop(Loop loop, AsyncCallable<T> body) {
        return await(loop.task(body));
    }

    /**
     * Runs {@code a} and {@code b} at (nearly) the same instant on two threads and waits for both:
     * each spins until the other has arrived, then acts.
     */
    static final class Racer implements AutoCloseable {
        private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "racer");
            t.setDaemon(true);
            return t;
        });

        void race(Runnable a, Runnable b) {
            AtomicInteger arrived = new AtomicInteger();
            Future<?> fa = pool.submit(() -> go(arrived, a));
            Future<?> fb = pool.submit(() -> go(arrived, b));
            try {
                fa.get(10, TimeUnit.SECONDS);
                fb.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("a racer failed", e.getCause());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        private static void go(AtomicInteger arrived, Runnable r) {
            arrived.incrementAndGet();
            for (int spins = 1; arrived.get() < 2; spins++) { // a few microseconds, unless the other thread is not running
                if (spins % 64 == 0) Thread.yield();
                else Thread.onSpinWait();
            }
            r.run();
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }
}

package dev.aio4j.samples;

import dev.aio4j.Async;
import dev.aio4j.AsyncCallable;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Retry with exponential backoff in plain aio4j, the helper a user writes when a retry library
 * would be too much (for Failsafe on a loop's timers, see {@link RetryWithBackoff}): each attempt
 * under {@link Async#timeout}, the backoff an {@link Async#sleep}, the loop an
 * {@link Async#repeatWhile}. Because every wait is one of the loop's timers, a test on a
 * {@code TestLoop} runs hours of backoff without waiting for them ({@code RetryTest}).
 *
 * <p>{@link #run()} (the Tour's section) retries a flaky call that succeeds on its third attempt,
 * then a call that always hangs, with real delays of a few tens of milliseconds.
 */
public final class Retry {
    private Retry() {}

    /**
     * Calls {@code call} until an attempt succeeds, at most {@code maxAttempts} times, waiting
     * between attempts: {@code firstDelay} after the first failure, then each delay {@code factor}
     * times the one before, never more than {@code maxDelay}. With a first delay of 10 minutes, a
     * factor of 2 and a cap of 1 hour, the delays are 10, 20, 40, 60, 60, ... minutes. Each attempt
     * runs under {@code perAttemptTimeout} ({@link Async#timeout}): an attempt still running at its
     * deadline is cancelled and counts as failed with a {@link TimeoutException}.
     *
     * <p>The task runs on the current loop (the shared loop outside any loop), and so do the
     * attempts: {@code call.call()} runs on the loop's thread and must not block.
     *
     * <p>Every failure of an attempt is retried ({@code call.call()} throwing or returning null,
     * its stage failing, its timeout), except a cancellation: an attempt whose stage ends
     * cancelled ends the task cancelled, with no further attempt.
     *
     * @param call one attempt: starts the work and returns the stage of its result
     * @param maxAttempts how many attempts at most, the first one included; at least 1
     * @param firstDelay the wait after the first failed attempt; not negative, at most {@code maxDelay}
     * @param factor how much each wait grows over the one before; finite, at least 1 (1: a constant delay)
     * @param maxDelay the longest wait; not negative
     * @param perAttemptTimeout how long one attempt may take; positive
     * @param <T> the type of the result
     * @return a task that completes with the value of the first attempt that succeeds. After
     *     {@code maxAttempts} failed attempts it fails with the last attempt's failure (a
     *     {@link TimeoutException} if that one timed out), carrying the earlier attempts' failures,
     *     oldest first, as {@linkplain Throwable#getSuppressed() suppressed} exceptions. Cancelling
     *     the task cancels what it is waiting for — the attempt in flight (the stage {@code call}
     *     returned) or the backoff sleep (its timer is removed) — and no further attempt starts.
     * @throws NullPointerException if {@code call}, a delay or the timeout is null
     * @throws IllegalArgumentException if {@code maxAttempts} is less than 1, a delay is negative,
     *     {@code firstDelay} is longer than {@code maxDelay}, {@code factor} is less than 1 or not
     *     finite, or {@code perAttemptTimeout} is not positive
     * @throws IllegalStateException if the current loop is closed
     */
    public static <T> Task<T> withBackoff(AsyncCallable<T> call, int maxAttempts, Duration firstDelay, double factor,
            Duration maxDelay, Duration perAttemptTimeout) {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(firstDelay, "firstDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(perAttemptTimeout, "perAttemptTimeout");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        if (firstDelay.isNegative()) throw new IllegalArgumentException("firstDelay must not be negative: " + firstDelay);
        if (maxDelay.isNegative()) throw new IllegalArgumentException("maxDelay must not be negative: " + maxDelay);
        if (firstDelay.compareTo(maxDelay) > 0) {
            throw new IllegalArgumentException("firstDelay (" + firstDelay + ") is longer than maxDelay (" + maxDelay + ")");
        }
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be finite and at least 1: " + factor);
        }
        if (perAttemptTimeout.isNegative() || perAttemptTimeout.isZero()) {
            throw new IllegalArgumentException("perAttemptTimeout must be positive: " + perAttemptTimeout);
        }
        Attempts<T> attempts = new Attempts<>(call, maxAttempts, firstDelay, factor, maxDelay, perAttemptTimeout);
        return Async.task("retry", () -> Async.repeatWhile(attempts::next).thenApply(done -> attempts.result));
    }

    /**
     * The state of one retry loop. Its steps run one after another (each after the previous
     * one's stage completed), so plain fields suffice.
     */
    private static final class Attempts<T> {
        private final AsyncCallable<T> call;
        private final int maxAttempts;
        private final double factor;
        private final Duration maxDelay;
        private final Duration perAttemptTimeout;
        private final List<Throwable> failures = new ArrayList<>();
        private Duration delay;
        private int attempt;
        private T result;

        Attempts(AsyncCallable<T> call, int maxAttempts, Duration firstDelay, double factor, Duration maxDelay,
                Duration perAttemptTimeout) {
            this.call = call;
            this.maxAttempts = maxAttempts;
            this.factor = factor;
            this.maxDelay = maxDelay;
            this.perAttemptTimeout = perAttemptTimeout;
            this.delay = firstDelay;
        }

        /** One attempt, then the backoff after a failure: yields whether to go on. */
        CompletionStage<Boolean> next() {
            attempt++;
            return Async.timeout(perAttemptTimeout, call).<CompletionStage<Boolean>>handle((value, error) -> {
                if (error == null) {
                    result = value;
                    return CompletableFuture.completedFuture(false);
                }
                Throwable failure = unwrap(error);
                // a cancelled attempt is not a failure to retry: the cancellation ends the loop
                if (failure instanceof CancellationException) return CompletableFuture.<Boolean>failedFuture(failure);
                failures.add(failure);
                if (attempt >= maxAttempts) return CompletableFuture.<Boolean>failedFuture(lastWithEarlierSuppressed());
                Duration wait = delay;
                delay = grow(delay);
                return Async.sleep(wait, true);
            }).thenCompose(stage -> stage);
        }

        private Duration grow(Duration d) {
            double next = nanos(d) * factor;
            return next >= nanos(maxDelay) ? maxDelay : Duration.ofNanos((long) next);
        }

        private Throwable lastWithEarlierSuppressed() {
            Throwable last = failures.get(failures.size() - 1);
            for (int i = 0; i < failures.size() - 1; i++) {
                Throwable earlier = failures.get(i);
                if (earlier != last) last.addSuppressed(earlier);
            }
            return last;
        }
    }

    /** The length of {@code d} in nanoseconds, as a double: exact up to about 104 days, never overflowing. */
    private static double nanos(Duration d) {
        return d.getSeconds() * 1e9 + d.getNano();
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
        return e;
    }

    // ------------------------------------------------------------------ the Tour's section

    public static void run() throws Exception {
        // a flaky call: two failures, then an answer
        AtomicInteger calls = new AtomicInteger();
        AsyncCallable<String> flaky = () -> {
            int n = calls.incrementAndGet();
            if (n < 3) {
                System.out.println("attempt " + n + ": 503");
                return CompletableFuture.failedFuture(new IOException("503 on attempt " + n));
            }
            System.out.println("attempt " + n + ": 200 after 10 ms");
            return Async.sleep(Duration.ofMillis(10), "200 on attempt " + n);
        };
        long[] elapsed = new long[1];
        String answer = Loop.run(() -> {
            long start = Loop.current().orElseThrow().time();
            return Retry.withBackoff(flaky, 5, Duration.ofMillis(40), 2, Duration.ofMillis(100), Duration.ofMillis(200))
                    .whenComplete((v, e) -> elapsed[0] = (Loop.current().orElseThrow().time() - start) / 1_000_000);
        });
        System.out.println("flaky call: " + answer + ", after backoffs of 40 + 80 ms (took " + elapsed[0] + " ms)");

        // a call that never answers: every attempt times out, the last failure is a TimeoutException
        AtomicInteger hung = new AtomicInteger();
        AsyncCallable<String> hanging = () -> {
            hung.incrementAndGet();
            return Async.sleep(Duration.ofDays(1), "never");
        };
        Throwable failure = Loop.run(() -> Retry.withBackoff(hanging, 3, Duration.ofMillis(20), 2, Duration.ofMillis(100),
                Duration.ofMillis(50)).handle((v, e) -> unwrap(e)));
        System.out.println("hanging call: " + hung.get() + " attempts, failed with " + failure.getClass().getSimpleName()
                + " (" + failure.getSuppressed().length + " earlier failures suppressed)");
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

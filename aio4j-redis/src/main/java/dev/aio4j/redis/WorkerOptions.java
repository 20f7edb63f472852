package dev.aio4j.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * How a {@link RedisQueue#work(WorkerOptions, JobHandler) worker pool} runs: how many handlers at
 * once, and the backoff before a failed job is tried again. Immutable; the {@code with...}
 * methods return changed copies.
 *
 * @since 0.1.0
 */
public final class WorkerOptions {
    private final int concurrency;
    private final IntFunction<Duration> backoff;

    private WorkerOptions(int concurrency, IntFunction<Duration> backoff) {
        this.concurrency = concurrency;
        this.backoff = backoff;
    }

    /**
     * Options for a pool of up to {@code concurrency} handlers at once, with the default backoff
     * ({@link #defaultBackoff(int)}).
     *
     * @param concurrency how many jobs at once; at least 1
     * @return the options
     * @throws IllegalArgumentException if {@code concurrency < 1}
     */
    public static WorkerOptions concurrency(int concurrency) {
        if (concurrency < 1) throw new IllegalArgumentException("concurrency < 1: " + concurrency);
        return new WorkerOptions(concurrency, WorkerOptions::defaultBackoff);
    }

    /**
     * The same options with another backoff policy: given the delivery count of the delivery that
     * failed (1 for the first), how long before the job is visible again.
     *
     * @param backoff the policy; it must return a non-negative duration
     * @return the changed copy
     * @throws NullPointerException if {@code backoff} is null
     */
    public WorkerOptions withBackoff(IntFunction<Duration> backoff) {
        return new WorkerOptions(concurrency, Objects.requireNonNull(backoff, "backoff"));
    }

    /**
     * How many handlers at once.
     *
     * @return the concurrency
     */
    public int concurrency() {
        return concurrency;
    }

    /**
     * The backoff before the job whose delivery number {@code deliveryCount} failed is tried again.
     *
     * @param deliveryCount the failed delivery's count, at least 1
     * @return the backoff, not negative
     * @throws IllegalArgumentException if the policy returned null or a negative duration
     */
    public Duration backoff(int deliveryCount) {
        Duration d = backoff.apply(deliveryCount);
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("backoff policy returned " + d + " for delivery " + deliveryCount);
        }
        return d;
    }

    /**
     * The default backoff: 1 s after the first failed delivery, doubling each time, capped at 60 s,
     * each with ±20 % jitter.
     *
     * @param deliveryCount the failed delivery's count, at least 1
     * @return the backoff
     */
    public static Duration defaultBackoff(int deliveryCount) {
        int shift = Math.max(0, Math.min(deliveryCount - 1, 6));
        long ms = Math.min(60_000L, 1000L << shift);
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis((long) (ms * jitter));
    }

    @Override
    public String toString() {
        return "WorkerOptions[concurrency=" + concurrency + "]";
    }
}

package dev.aio4j.redis;

import dev.aio4j.Task;
import java.time.Duration;
import java.util.Objects;

/** The {@link Delivery} of a {@link RedisQueue}: the stream entry, and the delivery counter the lease is fenced on. */
final class RedisDelivery<T> implements Delivery<T> {
    final RedisQueue<T> queue;
    final String entryId;
    final String jobId;
    final T item;
    /** The group's delivery counter of this entry when it was handed out (the fence). */
    final int pelCount;
    /** Deliveries of earlier entries of the same job (retries, releases). */
    final int attempts;

    RedisDelivery(RedisQueue<T> queue, String entryId, String jobId, T item, int pelCount, int attempts) {
        this.queue = queue;
        this.entryId = entryId;
        this.jobId = jobId;
        this.item = item;
        this.pelCount = pelCount;
        this.attempts = attempts;
    }

    @Override
    public String id() {
        return jobId;
    }

    @Override
    public T item() {
        return item;
    }

    @Override
    public int deliveryCount() {
        return attempts + pelCount;
    }

    @Override
    public String consumer() {
        return queue.consumerName();
    }

    @Override
    public Task<Void> ack() {
        return queue.ack(this);
    }

    @Override
    public Task<Void> retry(Duration backoff) {
        Objects.requireNonNull(backoff, "backoff");
        if (backoff.isNegative()) throw new IllegalArgumentException("backoff < 0: " + backoff);
        return queue.retry(this, backoff);
    }

    @Override
    public Task<Void> deadLetter(String reason) {
        Objects.requireNonNull(reason, "reason");
        return queue.deadLetter(this, reason);
    }

    @Override
    public Task<Void> extend(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative()) throw new IllegalArgumentException("lease < 0: " + lease);
        return queue.extend(this, lease);
    }

    @Override
    public Task<Void> release() {
        return queue.release(this);
    }

    @Override
    public String toString() {
        return "Delivery[" + jobId + ", delivery " + deliveryCount() + ", consumer=" + queue.consumerName() + "]";
    }
}

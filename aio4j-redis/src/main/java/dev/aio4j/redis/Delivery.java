package dev.aio4j.redis;

import dev.aio4j.Task;
import java.time.Duration;

/**
 * One job handed out by {@link RedisQueue#get()}: a <em>lease</em>, not ownership. Until it is
 * settled (acknowledged, retried, dead-lettered or released) the job stays in Redis, pending on
 * this consumer; if the lease runs out (the queue's {@code visibilityTimeout} of idleness, measured
 * by the Redis server's clock) another consumer may claim the job and this delivery is then
 * <em>fenced</em>: every settling call fails with {@link LeaseLostException} and changes nothing.
 *
 * <p><b>Futures.</b> Every method that talks to Redis returns a {@link Task} that completes on the
 * loop that called it (the shared loop outside any loop), never on a Lettuce (Netty) thread. It
 * fails with {@link LeaseLostException} if the lease is gone, or with Lettuce's exception if Redis
 * could not be reached. <b>Cancelling</b> such a task stops waiting for the reply only: the command
 * is already on its way and takes effect (or not) as if the task had not been cancelled.
 *
 * @param <T> the type of the job
 * @since 0.1.0
 */
public interface Delivery<T> {
    /**
     * The job's id: the one {@link RedisQueue#put} returned, kept across retries and releases.
     *
     * @return the job id (a Redis stream id such as {@code "1732912345678-0"})
     */
    String id();

    /**
     * The job.
     *
     * @return the decoded job
     */
    T item();

    /**
     * How many times this job has been handed out, this delivery included: 1 the first time, 2
     * after one retry or one lease expiry, and so on. A {@link #release()} does not count.
     *
     * @return the delivery count, at least 1
     */
    int deliveryCount();

    /**
     * The consumer holding the lease.
     *
     * @return the consumer name of the queue that handed this delivery out
     */
    String consumer();

    /**
     * Acknowledges the job: it is done, and counts as done for {@link RedisQueue#join()}. Fenced:
     * refused if another consumer holds the job now. A second ack of the same delivery is refused
     * the same way (the first one settled it).
     *
     * @return a task completing with {@code null} once Redis has recorded the ack; it fails with
     *     {@link LeaseLostException} if the lease is gone (see the class comment for cancelling)
     */
    Task<Void> ack();

    /**
     * Acknowledges this delivery and schedules the job again after {@code backoff}, with its
     * delivery count carried on (the next delivery has {@code deliveryCount() + 1}). The job stays
     * unfinished for {@link RedisQueue#join()}. Fenced as {@link #ack()}.
     *
     * @param backoff how long before the job is visible again; zero means at once
     * @return a task completing with {@code null} once Redis has recorded it; it fails with
     *     {@link LeaseLostException} if the lease is gone
     * @throws NullPointerException if {@code backoff} is null
     * @throws IllegalArgumentException if {@code backoff} is negative
     */
    Task<Void> retry(Duration backoff);

    /**
     * Moves the job to the queue's dead-letter stream ({@code {name}:dead}) with {@code reason};
     * it counts as done for {@link RedisQueue#join()}. Fenced as {@link #ack()}.
     *
     * @param reason why (stored with the job)
     * @return a task completing with {@code null} once Redis has recorded it; it fails with
     *     {@link LeaseLostException} if the lease is gone
     * @throws NullPointerException if {@code reason} is null
     */
    Task<Void> deadLetter(String reason);

    /**
     * Renews the lease so that it runs for {@code lease} from now (as measured by claimers using
     * the queue's {@code visibilityTimeout}: the job's idle time is set to
     * {@code visibilityTimeout - lease}, at least zero). Does not change the delivery count.
     * Fenced as {@link #ack()}.
     *
     * @param lease how long the lease should last from now
     * @return a task completing with {@code null} once renewed; it fails with
     *     {@link LeaseLostException} if the lease is gone
     * @throws NullPointerException if {@code lease} is null
     * @throws IllegalArgumentException if {@code lease} is negative
     */
    Task<Void> extend(Duration lease);

    /**
     * Gives the job back for immediate redelivery, to any consumer, without counting this delivery
     * as a failure (the next delivery has the same {@link #deliveryCount()}). Fenced as
     * {@link #ack()}.
     *
     * @return a task completing with {@code null} once Redis has recorded it; it fails with
     *     {@link LeaseLostException} if the lease is gone
     */
    Task<Void> release();
}

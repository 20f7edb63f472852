package dev.aio4j.redis;

import java.util.Objects;

/**
 * A job in a queue's dead-letter stream ({@code {name}:dead}), as {@link RedisQueue#deadLetters()}
 * reads it.
 *
 * @param id the job's id (as {@link RedisQueue#put} returned it)
 * @param item the job
 * @param reason why it was dead-lettered
 * @param deliveries how many times it had been delivered
 * @param consumer the consumer that dead-lettered it
 * @param <T> the type of the job
 * @since 0.1.0
 */
public record DeadLetter<T>(String id, T item, String reason, int deliveries, String consumer) {
    /**
     * Checks the components.
     *
     * @param id the job's id
     * @param item the job
     * @param reason why it was dead-lettered
     * @param deliveries how many times it had been delivered
     * @param consumer the consumer that dead-lettered it
     * @throws NullPointerException if a component is null
     */
    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(consumer, "consumer");
    }
}

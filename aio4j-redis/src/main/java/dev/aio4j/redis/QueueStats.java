package dev.aio4j.redis;

import java.time.Duration;
import java.util.Map;

/**
 * A snapshot of a {@link RedisQueue}, read from Redis in one atomic step (one script), plus this
 * process's own counters.
 *
 * @param ready jobs in the stream not yet delivered to any consumer
 * @param pending jobs delivered and not yet settled (leased, or waiting to be reclaimed)
 * @param unfinished the {@link RedisQueue#join()} counter: jobs put and not yet done (acknowledged
 *     or dead-lettered); includes ready, pending and delayed jobs
 * @param delayed jobs waiting out a retry backoff
 * @param dead jobs in the dead-letter stream
 * @param consumers each consumer of the group and how long it has been idle (server clock)
 * @param leasesLost how many settling calls of this queue object were refused with
 *     {@link LeaseLostException}
 * @since 0.1.0
 */
public record QueueStats(long ready, long pending, long unfinished, long delayed, long dead,
                         Map<String, Duration> consumers, long leasesLost) {
    /**
     * Copies the consumers map.
     *
     * @param ready jobs not yet delivered
     * @param pending jobs delivered and not yet settled
     * @param unfinished jobs put and not yet done
     * @param delayed jobs waiting out a retry backoff
     * @param dead jobs in the dead-letter stream
     * @param consumers each consumer and its idle time
     * @param leasesLost settling calls of this queue object refused
     * @throws NullPointerException if {@code consumers} is null
     */
    public QueueStats {
        consumers = Map.copyOf(consumers);
    }
}

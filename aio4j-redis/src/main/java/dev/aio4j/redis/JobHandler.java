package dev.aio4j.redis;

import java.util.concurrent.CompletionStage;

/**
 * The work a {@link RedisQueue#work(WorkerOptions, JobHandler) worker pool} does with one
 * delivery. The pool settles the delivery when the returned stage completes: success acknowledges
 * it, failure retries it (or dead-letters it once {@code maxDeliveries} is reached). A handler may
 * settle the delivery itself (for example {@link Delivery#deadLetter}); the pool's own settling
 * then finds the lease gone and only counts it.
 *
 * @param <T> the type of the jobs
 * @since 0.1.0
 */
@FunctionalInterface
public interface JobHandler<T> {
    /**
     * Handles one job. Runs on the loop of the pool's task.
     *
     * @param delivery the leased job
     * @return a stage that completes when the job is done; a failure (or a thrown exception) means
     *     the job failed
     * @throws Exception if the job failed at once
     */
    CompletionStage<?> handle(Delivery<T> delivery) throws Exception;
}

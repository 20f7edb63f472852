package dev.aio4j.samples.redis;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.redis.JobCodec;
import dev.aio4j.redis.RedisQueue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;

/**
 * One worker process of {@link RedisKilledWorker}: {@code RedisWorkerProcess redis-uri queue name}.
 * Handles jobs two at a time until the queue is shut down or the process is killed; each run is
 * counted in the Redis hash {@code runs:<queue>} so the producer can check the outcome.
 */
public final class RedisWorkerProcess {
    private RedisWorkerProcess() {}

    public static void main(String[] args) throws Exception {
        RedisClient client = RedisClient.create(RedisURI.create(args[0]));
        String queueName = args[1];
        String me = args[2];
        RedisAsyncCommands<String, String> redis = client.connect().async();
        RedisQueue<String> queue = RedisQueue.builder(client, queueName, JobCodec.utf8())
                .visibilityTimeout(Duration.ofSeconds(1)) // a dead worker's job is taken over after ~1 s
                .consumerName(me)
                .build();
        Loop.run(() -> queue.open().thenCompose(v -> {
            System.out.println(me + " ready");
            return queue.work(2, job -> redis.hincrby("runs:" + queueName, job, 1)
                    .thenCompose(n -> Async.sleep(Duration.ofMillis(200)))
                    .thenCompose(x -> redis.rpush("log:" + queueName, me + " " + job))
                    .thenApply(x -> null));
        }));
        queue.closeAsync().join();
        client.shutdown();
    }
}

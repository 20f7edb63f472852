package dev.aio4j.samples.redis;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import dev.aio4j.redis.JobCodec;
import dev.aio4j.redis.RedisQueue;
import java.time.Duration;

/**
 * The seeds' master/worker on a Redis queue: the master (this thread) puts messages into Redis;
 * a worker loop on its own thread takes them and handles two at a time. Here the queue is a
 * {@link RedisQueue}: a job is acknowledged only when its handler has finished, so a worker that
 * dies mid-job does not lose it, and {@code join()} tells the master when everything is done.
 *
 * <p>asyncio (the seed): a thread running a loop that pops from a Redis list and
 * {@code run_coroutine_threadsafe}s a handler onto a second loop.
 */
public final class RedisMasterWorker {
    private RedisMasterWorker() {}

    public static void run() throws Exception {
        try (LocalRedis redis = LocalRedis.start()) {
            if (redis == null) return;
            RedisQueue<String> queue = RedisQueue.builder(redis.client(), "seed-master-worker", JobCodec.utf8()).build();
            queue.open().join();
            try (Loop worker = Loop.create("worker")) {
                // the worker loop: two handlers at a time, each job acked when its handler completes
                Task<Void> pool = worker.task(() -> queue.work(2, msg -> {
                    System.out.println("worker handles " + msg + " on " + Thread.currentThread().getName());
                    return Async.sleep(Duration.ofMillis(100));
                }));
                // the master: put five messages, then wait until all are done
                for (int i = 1; i <= 5; i++) {
                    queue.put("msg-" + i).join(); // completes with the job's id
                    System.out.println("master put msg-" + i);
                }
                queue.join().join();
                System.out.println("master: all 5 done, stats " + describe(queue));
                queue.shutdown();
                pool.join();
            } finally {
                queue.closeAsync().join();
            }
        }
    }

    static String describe(RedisQueue<?> q) {
        var s = q.stats().join();
        return "ready=" + s.ready() + " pending=" + s.pending() + " unfinished=" + s.unfinished() + " dead=" + s.dead();
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

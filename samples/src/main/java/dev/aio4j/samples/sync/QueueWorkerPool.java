package dev.aio4j.samples.sync;

import dev.aio4j.Async;
import dev.aio4j.AsyncQueue;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * The worker pool of asyncio's queue documentation: twenty jobs of random duration go into a
 * queue; three workers take them and sleep that long, calling {@code taskDone()} after each;
 * {@code join()} waits until all are done, then the workers are cancelled. The total time is
 * about the sum of the durations divided by three.
 */
public final class QueueWorkerPool {
    private QueueWorkerPool() {}

    public static void run() throws Exception {
        AsyncQueue<Duration> queue = AsyncQueue.fifo(0);
        Random random = new Random();
        long totalSleep = 0;
        for (int i = 0; i < 20; i++) {
            Duration d = Duration.ofMillis(20 + random.nextInt(260));
            totalSleep += d.toMillis();
            queue.putNowait(d);
        }
        long sum = totalSleep;
        long start = System.nanoTime();
        Loop.run(() -> {
            List<Task<Void>> workers = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                String name = "worker-" + i;
                workers.add(Async.task(name, () -> work(name, queue)));
            }
            return queue.join().thenCompose(v -> {
                for (Task<Void> w : workers) w.cancel();
                return Async.gatherSettled(workers);
            });
        });
        long took = (System.nanoTime() - start) / 1_000_000;
        System.out.println("====");
        System.out.printf("3 workers slept in parallel for %.2f seconds%n", took / 1000.0);
        System.out.printf("total expected sleep time: %.2f seconds (/ 3 = %.2f)%n", sum / 1000.0, sum / 3000.0);
    }

    /** Takes a job, sleeps its duration, marks it done, again: until cancelled. */
    private static CompletableFuture<Void> work(String name, AsyncQueue<Duration> queue) {
        return queue.get().thenCompose(d -> Async.sleep(d).thenCompose(v -> {
            queue.taskDone();
            System.out.println(name + " has slept for " + d.toMillis() + " ms");
            return work(name, queue);
        }));
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

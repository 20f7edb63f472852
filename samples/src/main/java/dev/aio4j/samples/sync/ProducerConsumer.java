package dev.aio4j.samples.sync;

import dev.aio4j.Async;
import dev.aio4j.AsyncQueue;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A producer and a consumer over a bounded queue, with {@code join()}: the producer waits
 * whenever the queue is full (back-pressure), the consumer marks each item done, and the
 * producer's side knows everything was consumed once {@code join()} completes.
 */
public final class ProducerConsumer {
    private ProducerConsumer() {}

    public static void run() throws Exception {
        AsyncQueue<Integer> queue = AsyncQueue.fifo(3);
        AtomicInteger consumedSum = new AtomicInteger();
        Loop.run(() -> {
            Task<Void> consumer = Async.task("consumer", () -> consume(queue, consumedSum));
            return produce(queue, 1, 10)
                    .thenCompose(v -> {
                        System.out.println("producer: all 10 items put, waiting for join()");
                        return queue.join();
                    })
                    .thenCompose(v -> {
                        System.out.println("join() returned: every item was processed, sum = " + consumedSum.get());
                        consumer.cancel();
                        return Async.gatherSettled(consumer);
                    });
        });
    }

    private static CompletableFuture<Void> produce(AsyncQueue<Integer> queue, int next, int last) {
        if (next > last) return CompletableFuture.completedFuture(null);
        return queue.put(next).thenCompose(v -> {
            System.out.println("produced " + next + " (queue size " + queue.size() + ")");
            return produce(queue, next + 1, last);
        });
    }

    private static CompletableFuture<Void> consume(AsyncQueue<Integer> queue, AtomicInteger sum) {
        return queue.get().thenCompose(x -> Async.sleep(Duration.ofMillis(30)).thenCompose(v -> {
            sum.addAndGet(x);
            System.out.println("consumed " + x);
            queue.taskDone();
            return consume(queue, sum);
        }));
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

package dev.aio4j.samples.kotlin;

import dev.aio4j.Async;
import dev.aio4j.AsyncQueue;
import dev.aio4j.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Java tasks on either end of an {@link AsyncQueue} that {@link KotlinQueueInterop} shares with a coroutine. */
public final class QueueWorkers {
    private QueueWorkers() {}

    /** A task that puts {@code "<name>-1" .. "<name>-<count>"}, waiting whenever the queue is full. */
    public static Task<Void> producer(AsyncQueue<String> queue, String name, int count) {
        return Async.task("producer-" + name, () -> put(queue, name, 1, count));
    }

    private static CompletionStage<Void> put(AsyncQueue<String> queue, String name, int i, int count) {
        if (i > count) return CompletableFuture.completedFuture(null);
        return queue.put(name + "-" + i).thenCompose(x -> put(queue, name, i + 1, count));
    }

    /** A task that takes {@code count} items and completes with them, in the order taken. */
    public static Task<List<String>> consumer(AsyncQueue<String> queue, int count) {
        return Async.task("consumer", () -> take(queue, new ArrayList<>(), count));
    }

    private static CompletionStage<List<String>> take(AsyncQueue<String> queue, List<String> got, int count) {
        if (got.size() == count) return CompletableFuture.completedFuture(got);
        return queue.get().thenCompose(item -> {
            got.add(item);
            queue.taskDone();
            return take(queue, got, count);
        });
    }
}

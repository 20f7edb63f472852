package dev.aio4j.samples;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code Async.asCompleted}: handle results in the order they arrive. The i-th task of the list
 * completes with the i-th result to finish, so awaiting them one after another reads the fastest
 * first.
 *
 * <p>asyncio: {@code for coro in asyncio.as_completed(coros): result = await coro; print(result)}.
 */
public final class AsCompletedDemo {
    private AsCompletedDemo() {}

    /** A stand-in for a lookup that takes {@code millis}. */
    static Task<String> probe(String domain, long millis) {
        return Async.task("probe-" + domain, () -> Async.sleep(Duration.ofMillis(millis), domain + " (" + millis + " ms)"));
    }

    public static void run() throws Exception {
        Loop.run(() -> {
            List<Task<String>> probes = List.of(
                    probe("slow.dev", 300),
                    probe("quick.dev", 100),
                    probe("medium.dev", 200));
            // for (Task<String> next : asCompleted(...)) { String r = await next; print(r); }
            CompletionStage<Void> reading = CompletableFuture.completedFuture(null);
            for (Task<String> next : Async.asCompleted(probes)) {
                reading = reading.thenCompose(ignored -> next).thenAccept(result -> System.out.println("got " + result));
            }
            return reading;
        });
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

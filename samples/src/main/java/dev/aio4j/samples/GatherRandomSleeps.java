package dev.aio4j.samples;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;

/**
 * Four tasks sleep for random times; {@code Async.gather} hands back their results in the order
 * the tasks were given, whatever order they finished in.
 *
 * <p>asyncio: {@code results = await asyncio.gather(*[hello() for _ in range(4)])}.
 */
public final class GatherRandomSleeps {
    private GatherRandomSleeps() {}

    /** One worker: says hello, sleeps {@code millis}, says hello again, returns what it did. */
    static CompletionStage<String> hello(int id, long millis) {
        System.out.println("task " + id + ": Hello world! (sleeping " + millis + " ms)");
        return Async.sleep(Duration.ofMillis(millis)).thenApply(ignored -> {
            System.out.println("task " + id + ": Hello again! (after " + millis + " ms)");
            return "task " + id + " slept " + millis + " ms";
        });
    }

    public static void run() throws Exception {
        Random random = new Random();
        long[] millis = new long[4];
        for (int i = 0; i < millis.length; i++) {
            millis[i] = 100L * random.nextInt(5); // 0..400 ms (asyncio's version: 0..4 s)
        }
        run(millis);
    }

    /** Runs one task per entry of {@code millis}, task i sleeping {@code millis[i]}. */
    static void run(long... millis) throws Exception {
        List<String> results = Loop.run(() -> {
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 0; i < millis.length; i++) {
                int id = i;
                tasks.add(Async.task("hello-" + id, () -> hello(id, millis[id])));
            }
            return Async.gather(tasks);
        });
        for (String result : results) { // in the order of the tasks, not the order they finished in
            System.out.println("result => " + result);
        }
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

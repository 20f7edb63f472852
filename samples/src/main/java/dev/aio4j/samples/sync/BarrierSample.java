package dev.aio4j.samples.sync;

import dev.aio4j.Async;
import dev.aio4j.AsyncBarrier;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A barrier (asyncio's {@code Barrier}): three tasks get ready at different speeds, and none goes
 * on before all three have arrived. Each learns its arrival index.
 */
public final class BarrierSample {
    private BarrierSample() {}

    public static void run() throws Exception {
        AsyncBarrier barrier = new AsyncBarrier(3);
        Loop.run(() -> {
            List<Task<Void>> parties = new ArrayList<>();
            int[] delays = {300, 100, 200};
            for (int i = 0; i < 3; i++) {
                String name = "task-" + (i + 1);
                Duration delay = Duration.ofMillis(delays[i]);
                parties.add(Async.task(() -> Async.sleep(delay)
                        .thenCompose(v -> {
                            System.out.println(name + " is ready after " + delay.toMillis() + " ms, waits at the barrier");
                            return barrier.await();
                        })
                        .thenAccept(index -> System.out.println(name + " passes the barrier (arrived " + ordinal(index) + ")"))));
            }
            return Async.gather(parties).thenRun(() -> System.out.println("all passed; " + barrier));
        });
    }

    private static String ordinal(int index) {
        return new String[] {"first", "second", "third"}[index];
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

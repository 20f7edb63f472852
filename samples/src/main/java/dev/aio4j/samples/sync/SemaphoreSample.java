package dev.aio4j.samples.sync;

import dev.aio4j.Async;
import dev.aio4j.AsyncSemaphore;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.List;

/**
 * A semaphore letting two of three tasks run at once (asyncio's {@code async with sem:}): the
 * third starts only when one of the first two has released its permit.
 */
public final class SemaphoreSample {
    private SemaphoreSample() {}

    public static void run() throws Exception {
        AsyncSemaphore sem = new AsyncSemaphore(2);
        Loop.run(() -> {
            long start = System.nanoTime();
            List<Task<Void>> tasks = List.of(job(sem, "A", start), job(sem, "B", start), job(sem, "C", start));
            return Async.gather(tasks);
        });
    }

    private static Task<Void> job(AsyncSemaphore sem, String name, long start) {
        return sem.withPermit(() -> {
            System.out.printf("%s starts at %d ms (permits left: %d)%n", name, elapsed(start), sem.availablePermits());
            return Async.sleep(Duration.ofMillis(300))
                    .thenRun(() -> System.out.printf("%s ends at %d ms%n", name, elapsed(start)));
        });
    }

    private static long elapsed(long start) {
        return Math.round((System.nanoTime() - start) / 1e6 / 100) * 100; // to the nearest 100 ms
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

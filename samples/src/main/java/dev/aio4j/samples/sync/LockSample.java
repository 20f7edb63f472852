package dev.aio4j.samples.sync;

import dev.aio4j.Async;
import dev.aio4j.AsyncLock;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.List;

/**
 * A lock serialising three workers (asyncio's {@code async with lock:}): each holds the shared
 * lock while it works, so their critical sections never overlap, and they get it in the order
 * they asked for it.
 */
public final class LockSample {
    private LockSample() {}

    public static void run() throws Exception {
        AsyncLock lock = new AsyncLock();
        Loop.run(() -> {
            List<Task<Void>> workers = List.of(worker(lock, 1), worker(lock, 2), worker(lock, 3));
            return Async.gather(workers).thenRun(() -> System.out.println("all workers done; lock is " + lock));
        });
    }

    private static Task<Void> worker(AsyncLock lock, int id) {
        return lock.withLock(() -> {
            System.out.println("worker " + id + " has the lock");
            return Async.sleep(Duration.ofMillis(200))
                    .thenRun(() -> System.out.println("worker " + id + " releases the lock"));
        });
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

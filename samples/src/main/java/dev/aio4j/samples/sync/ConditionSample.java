package dev.aio4j.samples.sync;

import dev.aio4j.Async;
import dev.aio4j.AsyncCondition;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A condition notifying two of four waiters, then the rest (asyncio's {@code Condition}): four
 * tasks wait on the condition holding its lock; {@code signal(2)} wakes the first two, later
 * {@code signalAll()} the other two. Each wakes holding the lock, and {@code withLock} releases it.
 */
public final class ConditionSample {
    private ConditionSample() {}

    public static void run() throws Exception {
        AsyncCondition cond = new AsyncCondition();
        Loop.run(() -> {
            List<Task<Void>> waiters = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                int id = i;
                waiters.add(cond.withLock(() -> {
                    System.out.println("waiter " + id + " waits");
                    return cond.await().thenRun(() -> System.out.println("waiter " + id + " woke up holding the lock"));
                }));
            }
            return Async.sleep(Duration.ofMillis(100))
                    .thenCompose(v -> cond.withLock(() -> {
                        System.out.println("signal(2)");
                        cond.signal(2);
                        return Async.sleep(Duration.ZERO);
                    }))
                    .thenCompose(v -> Async.sleep(Duration.ofMillis(100)))
                    .thenCompose(v -> cond.withLock(() -> {
                        System.out.println("signalAll()");
                        cond.signalAll();
                        return Async.sleep(Duration.ZERO);
                    }))
                    .thenCompose(v -> Async.gather(waiters));
        });
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

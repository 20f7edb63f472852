package dev.aio4j.samples.kotlin;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Java calling Kotlin {@code suspend fun}s: each {@code Async.fromSuspend(c -> repo.findUser(1, c))}
 * is an ordinary task, so it goes under {@code gather}, {@code waitFor} and task groups like any
 * other, and cancelling it cancels the Kotlin coroutine.
 */
public final class SuspendFromJava {
    private SuspendFromJava() {}

    public static void run() throws Exception {
        UserRepository repo = new UserRepository();
        Loop.run(() -> {
            // gather: two calls that suspend and one that returns at once, results in argument order
            Task<List<User>> users = Async.gather(
                    Async.fromSuspend("find-user-1", c -> repo.findUser(1, c)),
                    Async.fromSuspend("find-user-2", c -> repo.findUser(2, c)),
                    Async.fromSuspend("cached-user-3", c -> repo.cachedUser(3, c)));
            return users.thenCompose(list -> {
                System.out.println("gather: " + list);
                // a task group whose children are Kotlin calls
                return Async.taskGroup("orders", group -> {
                    List<Task<Integer>> counts = list.stream()
                            .map(u -> group.task(() -> Async.<Integer>fromSuspend(c -> repo.countOrders(u, c))))
                            .toList();
                    return Async.gather(counts);
                });
            }).thenCompose(counts -> {
                System.out.println("orders per user: " + counts);
                // waitFor: the deadline passes, the Kotlin coroutine is cancelled
                Task<String> report = Async.fromSuspend("slow-report", c -> repo.slowReport(c));
                return Async.waitFor(report, Duration.ofMillis(20)).handle((value, error) -> {
                    if (error instanceof TimeoutException) System.out.println("waitFor: " + error.getMessage());
                    else System.out.println("waitFor: " + value);
                    return null;
                });
            });
        });
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

package dev.aio4j.samples;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * {@code Async.toThread}: blocking code goes to another thread (a virtual thread on JDK 21+), so
 * the loop stays free and three one-second blocking jobs take about one second, not three.
 *
 * <p>asyncio: {@code await asyncio.to_thread(hard_work)} in three tasks gathered together.
 * Calling {@code hardWork()} directly in the task body would block the loop thread, and the
 * three jobs would run one after another.
 */
public final class ToThreadDemo {
    private ToThreadDemo() {}

    /** Blocking work: it holds its thread for a second. */
    static String hardWork(int id) throws InterruptedException {
        System.out.println("job " + id + " blocks " + Thread.currentThread());
        Thread.sleep(1000);
        return "job " + id;
    }

    static CompletionStage<String> doAsyncJob(int id) {
        return Async.toThread(() -> hardWork(id))
                .thenCompose(done -> Async.sleep(Duration.ofMillis(50), done))
                .thenApply(done -> {
                    System.out.println(done + " done! (back on " + Thread.currentThread().getName() + ")");
                    return done;
                });
    }

    public static void run() throws Exception {
        long start = System.nanoTime();
        List<String> done = Loop.run(() -> {
            Task<String> job1 = Async.task(() -> doAsyncJob(1));
            Task<String> job2 = Async.task(() -> doAsyncJob(2));
            Task<String> job3 = Async.task(() -> doAsyncJob(3));
            return Async.gather(job1, job2, job3);
        });
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println(done + " finished");
        System.out.println("elapsed: " + millis + " ms for three 1 s blocking jobs");
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

package dev.aio4j.samples;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * {@code Async.waitFor}: a job that takes too long is cancelled, and the wait fails with
 * {@link TimeoutException} (a failure, not a cancellation).
 *
 * <p>asyncio: {@code try: await asyncio.wait_for(my_job(), timeout=1)
 * except asyncio.TimeoutError: print('timeout!')}.
 */
public final class WaitForTimeout {
    private WaitForTimeout() {}

    static CompletionStage<String> myJob() {
        System.out.println("before sleep");
        return Async.sleep(Duration.ofSeconds(1)).thenApply(ignored -> {
            System.out.println("never printed: the timeout cancelled the sleep");
            return "finished";
        });
    }

    public static void run() throws Exception {
        Loop.run(() -> {
            Task<String> job = Async.task("my-job", WaitForTimeout::myJob);
            return Async.waitFor(job, Duration.ofMillis(300)).handle((value, error) -> {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                if (cause instanceof TimeoutException) {
                    System.out.println("timeout!");
                    System.out.println("my-job cancelled: " + job.isCancelled());
                } else {
                    System.out.println("my-job returned " + value);
                }
                return null;
            });
        });
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

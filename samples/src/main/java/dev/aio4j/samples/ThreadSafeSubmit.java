package dev.aio4j.samples;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A loop on its own thread, fed from other threads: {@code loop.task(...)} starts a task on it
 * from any thread and gives back a {@link Task} to join; {@code loop.callSoon(...)} runs a plain
 * callback there. The task code always runs on the loop's thread, never on the caller's.
 *
 * <p>asyncio: a loop running {@code run_forever()} in a thread, fed with
 * {@code asyncio.run_coroutine_threadsafe(coro, loop).result()} and
 * {@code loop.call_soon_threadsafe(callback)}.
 */
public final class ThreadSafeSubmit {
    private ThreadSafeSubmit() {}

    /** Task code: runs on the loop's thread. */
    static Task<String> work(Loop loop, String from, long millis) {
        return loop.task("work-from-" + from, () -> {
            System.out.println("task from " + from + " runs on " + Thread.currentThread().getName());
            return Async.sleep(Duration.ofMillis(millis), "result for " + from);
        });
    }

    public static void run() throws Exception {
        try (Loop loop = Loop.create("worker")) { // close() cancels what is left and stops the thread
            System.out.println("submitting from " + Thread.currentThread().getName());

            // run_coroutine_threadsafe(...).result(): start from this thread, block for the result
            Task<String> first = work(loop, "caller", 200);
            System.out.println("join: " + first.join());

            // the same from a thread of our own, awaited with runUntilComplete (it rethrows a
            // failure unwrapped); then call_soon_threadsafe: a plain callback run on the loop
            CompletableFuture<Void> callbackRan = new CompletableFuture<>();
            Thread other = new Thread(() -> {
                try {
                    System.out.println("runUntilComplete: " + loop.runUntilComplete(work(loop, "other-thread", 100)));
                } catch (Exception e) {
                    callbackRan.completeExceptionally(e);
                    return;
                }
                loop.callSoon(() -> {
                    System.out.println("callSoon from other-thread runs on " + Thread.currentThread().getName());
                    callbackRan.complete(null);
                });
            }, "other-thread");
            other.start();
            other.join();
            callbackRan.join(); // rethrows what went wrong on other-thread
        }
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

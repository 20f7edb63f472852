package dev.aio4j.samples;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;

/**
 * {@code Async.shield}: work that must not be interrupted. Cancelling a task cancels what it
 * awaits, all the way down; a shield stops that: the outer task is cancelled, the shielded work
 * runs on to completion.
 *
 * <p>asyncio: {@code await asyncio.shield(save())} inside a request handler that may be cancelled.
 */
public final class ShieldDemo {
    private ShieldDemo() {}

    /** Work that takes 300 ms and should not be left half done. */
    static Task<String> save(String what) {
        return Async.task("save-" + what, () -> {
            System.out.println("saving " + what + "...");
            return Async.sleep(Duration.ofMillis(300), what + " saved");
        });
    }

    public static void run() throws Exception {
        Loop.run(() -> {
            // Without a shield: cancelling the request cancels the save it awaits.
            Task<String> plainSave = save("draft");
            Task<String> plainRequest = Async.task("request-1", () -> plainSave);
            // With a shield: cancelling the request leaves the save running.
            Task<String> shieldedSave = save("order");
            Task<String> shieldedRequest = Async.task("request-2", () -> Async.shield(shieldedSave));

            return Async.sleep(Duration.ofMillis(100)).thenCompose(ignored -> {
                plainRequest.cancel();
                shieldedRequest.cancel();
                // cancel() completes a task at once; cancelling its work runs on the loop's next turn
                return Async.sleep(Duration.ZERO);
            }).thenCompose(ignored -> {
                System.out.println("request-1 cancelled: " + plainRequest.isCancelled()
                        + ", its save cancelled too: " + plainSave.isCancelled());
                System.out.println("request-2 cancelled: " + shieldedRequest.isCancelled()
                        + ", its shielded save still running: " + !shieldedSave.isDone());
                return shieldedSave; // wait for it: Loop.run would cancel it when main ends
            }).thenApply(result -> {
                System.out.println("shielded save finished: " + result + " (cancelled: " + shieldedSave.isCancelled() + ")");
                return null;
            });
        });
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

package dev.aio4j.samples.sync;

import dev.aio4j.Async;
import dev.aio4j.AsyncEvent;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An event releasing several waiters when a "response" arrives (asyncio's {@code Event}): three
 * tasks wait for the event; a fourth stores the response and sets it, and all three go on.
 */
public final class EventSample {
    private EventSample() {}

    public static void run() throws Exception {
        AsyncEvent arrived = new AsyncEvent();
        AtomicReference<String> response = new AtomicReference<>();
        Loop.run(() -> {
            List<Task<Void>> waiters = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int id = i;
                waiters.add(Async.task(() -> {
                    System.out.println("waiter " + id + " waits for the response");
                    return arrived.await().thenRun(() -> System.out.println("waiter " + id + " got: " + response.get()));
                }));
            }
            Task<Void> server = Async.task(() -> Async.sleep(Duration.ofMillis(300)).thenRun(() -> {
                response.set("200 OK");
                System.out.println("response arrived, setting the event");
                arrived.set();
            }));
            waiters.add(server);
            return Async.gather(waiters);
        });
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

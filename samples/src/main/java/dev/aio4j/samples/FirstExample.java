package dev.aio4j.samples;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

public final class FirstExample {
    // async def fetch(name, ms): await asyncio.sleep(ms / 1000); return name.upper()
    static CompletionStage<String> fetch(String name, long millis) {
        return Async.sleep(Duration.ofMillis(millis)).thenApply(ignored -> name.toUpperCase());
    }

    public static void main(String[] args) throws Exception {
        List<String> results = Loop.run(() -> {                    // asyncio.run(main())
            Task<String> a = Async.task(() -> fetch("a", 200));     // asyncio.create_task(...)
            Task<String> b = Async.task(() -> fetch("b", 100));
            Task<String> slow = Async.task(() -> fetch("slow", 5_000));
            CompletionStage<String> c = Async.waitFor(slow, Duration.ofMillis(300)) // wait_for
                    .exceptionally(e -> "timed out, slow cancelled: " + slow.isCancelled());
            return Async.gather(a, b, c);                           // results in argument order
        });
        System.out.println(results); // [A, B, timed out, slow cancelled: true]
    }
}

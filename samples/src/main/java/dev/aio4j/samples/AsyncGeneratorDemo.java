package dev.aio4j.samples;

import dev.aio4j.Async;
import dev.aio4j.AsyncStream;
import dev.aio4j.Emitter;
import dev.aio4j.Loop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An async generator and {@code async for}: {@code AsyncStream.generate} gives the generator an
 * {@link Emitter}; each {@code emit} is Python's {@code yield} and completes when the consumer asks
 * for the next item, so the generator never runs ahead of its consumer.
 *
 * <p>asyncio:
 * <pre>
 * async def ticker(delay, to):
 *     for i in range(to):
 *         yield i
 *         await asyncio.sleep(delay)
 *
 * async for i in ticker(0.1, 5): print(i)
 * </pre>
 */
public final class AsyncGeneratorDemo {
    private AsyncGeneratorDemo() {}

    /** Emits 0..to-1, sleeping {@code delay} after each. */
    static AsyncStream<Integer> ticker(Duration delay, int to) {
        return AsyncStream.generate(out -> tick(out, 0, to, delay)
                .whenComplete((v, e) -> System.out.println("ticker: finally (" + (e == null ? "done" : "closed") + ")")));
    }

    private static CompletionStage<Void> tick(Emitter<Integer> out, int i, int to, Duration delay) {
        if (i >= to) return CompletableFuture.completedFuture(null);
        System.out.println("ticker: yield " + i);
        return out.emit(i).thenCompose(v -> Async.sleep(delay)).thenCompose(v -> tick(out, i + 1, to, delay));
    }

    public static void run() throws Exception {
        Loop.run(() -> ticker(Duration.ofMillis(20), 5).forEach(i -> System.out.println("got " + i)));
        // leaving the loop early closes the generator: its finally runs before take's task completes
        Loop.run(() -> ticker(Duration.ofMillis(20), 1_000).take(2).forEach(i -> System.out.println("early " + i)));
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

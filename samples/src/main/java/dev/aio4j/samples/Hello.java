package dev.aio4j.samples;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * Hello world: print, sleep one second without holding a thread, print again.
 *
 * <p>asyncio: {@code async def hello(): print(...); await asyncio.sleep(1); print(...)} run with
 * {@code asyncio.run(hello())}. In aio4j the body of an {@code async def} is an
 * {@link dev.aio4j.AsyncCallable}: it returns the stage to await, and what comes after the
 * {@code await} goes into {@code thenApply}/{@code thenCompose}.
 */
public final class Hello {
    private Hello() {}

    public static void run() throws Exception {
        Loop.run(() -> {
            System.out.println("Hello world! " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS));
            return Async.sleep(Duration.ofSeconds(1)).thenApply(ignored -> {
                System.out.println("Hello again! " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS));
                return null;
            });
        });
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

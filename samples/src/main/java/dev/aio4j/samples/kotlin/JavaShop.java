package dev.aio4j.samples.kotlin;

import dev.aio4j.Async;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.Map;

/** Java code that returns aio4j tasks; {@link KotlinAwaitsJava} awaits them from a coroutine. */
public final class JavaShop {
    private static final Map<String, Integer> PRICES = Map.of("apple", 3, "pear", 4, "plum", 2);

    private JavaShop() {}

    /** A price, after a short pause, as a task on the current loop. */
    public static Task<Integer> price(String item) {
        return Async.sleep(Duration.ofMillis(PRICES.get(item)), PRICES.get(item));
    }

    /** A quote that never comes; reports when its task is cancelled. */
    public static Task<Integer> slowQuote() {
        Task<Integer> quote = Async.sleep(Duration.ofHours(1), 0);
        quote.whenComplete((v, e) -> {
            if (quote.isCancelled()) System.out.println("  (Java) the slow quote task was cancelled");
        });
        return quote;
    }
}

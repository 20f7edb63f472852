package dev.aio4j.samples;

import dev.aio4j.Async;
import dev.aio4j.AsyncStream;
import dev.aio4j.Emitter;
import dev.aio4j.Loop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The buffered pipeline: gen_1 → gen_2 → gen_3, each stage taking one time unit per item. Without
 * buffers a generator only runs when its consumer asks, so the stages take turns: 10 items × 3
 * units = ~30 units. With {@code buffer(1)} after each stage, every stage runs ahead into its
 * buffer and the three overlap: ~12 units (10 items + 2 to fill the pipeline).
 *
 * <p>asyncio: the {@code asyncio-buffered-pipeline} example, with {@code buffered_pipeline()}.
 */
public final class BufferedPipeline {
    private BufferedPipeline() {}

    static CompletionStage<Void> loopFrom(Emitter<Integer> out, int i, int to, Duration unit) {
        if (i >= to) return CompletableFuture.completedFuture(null);
        return Async.sleep(unit).thenCompose(x -> out.emit(i)).thenCompose(x -> loopFrom(out, i + 1, to, unit));
    }

    static AsyncStream<Integer> pipeline(Duration unit, boolean buffered) {
        AsyncStream<Integer> s1 = AsyncStream.generate(out -> loopFrom(out, 0, 10, unit));
        if (buffered) s1 = s1.buffer(1);
        AsyncStream<Integer> s2 = s1.transform((Integer v, Emitter<Integer> out) -> Async.sleep(unit).thenCompose(x -> out.emit(v * 2)));
        if (buffered) s2 = s2.buffer(1);
        AsyncStream<Integer> s3 = s2.transform((Integer v, Emitter<Integer> out) -> Async.sleep(unit).thenCompose(x -> out.emit(v + 3)));
        return buffered ? s3.buffer(1) : s3;
    }

    /** Runs both versions with a time unit of {@code unit} and prints their results and durations in units. */
    static void run(Duration unit) throws Exception {
        for (boolean buffered : new boolean[] {false, true}) {
            long start = System.nanoTime();
            List<Integer> results = Loop.run(() -> pipeline(unit, buffered).toList());
            double units = (System.nanoTime() - start) / (double) unit.toNanos();
            System.out.printf("%s: %s in %.1f units%n", buffered ? "buffered" : "unbuffered", results, units);
        }
    }

    public static void run() throws Exception {
        run(Duration.ofMillis(20));
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

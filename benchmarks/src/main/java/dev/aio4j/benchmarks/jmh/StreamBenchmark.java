package dev.aio4j.benchmarks.jmh;

import dev.aio4j.AsyncStream;
import dev.aio4j.Loop;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-item cost of a synchronous stream inside one {@code Loop.run}: {@value #ITEMS} ints summed
 * ({@code plain}), the same through one {@code map} ({@code oneMap}) and four ({@code fourMaps}).
 * One op is one item, so {@code oneMap - plain} is what a {@code map} stage costs per item.
 * {@code pipeline} is W8's shape (a generator, two {@code transform} stages, each behind
 * {@code buffer(1)}): three asynchronous hand-offs per item, where {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} (bytes per item, not moved by other load) shows what they allocate.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar jmh StreamBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StreamBenchmark {
    static final int ITEMS = 10_000;

    static Iterable<Integer> ints() {
        return () -> new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < ITEMS;
            }

            @Override
            public Integer next() {
                if (i >= ITEMS) throw new NoSuchElementException();
                return i++ & 127; // small ints: boxing comes from the cache, as for most items it is not the subject
            }
        };
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public Object plain() throws Exception {
        return Loop.run(() -> AsyncStream.fromIterable(ints()).reduce(0L, (s, x) -> s + x));
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public Object oneMap() throws Exception {
        return Loop.run(() -> AsyncStream.fromIterable(ints()).map(x -> x ^ 1).reduce(0L, (s, x) -> s + x));
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public Object fourMaps() throws Exception {
        return Loop.run(() -> AsyncStream.fromIterable(ints())
                .map(x -> x ^ 1).map(x -> x ^ 2).map(x -> x ^ 4).map(x -> x ^ 8)
                .reduce(0L, (s, x) -> s + x));
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public Object pipeline() throws Exception {
        return Loop.run(() -> AsyncStream.<Integer>generate(out -> {
                    int[] i = {0};
                    return dev.aio4j.Async.repeatWhile(() -> out.emit(i[0]++ & 127).thenApply(v -> i[0] < ITEMS));
                })
                .buffer(1)
                .<Integer>transform((v, out) -> out.emit(v ^ 1))
                .buffer(1)
                .<Integer>transform((v, out) -> out.emit(v ^ 2))
                .buffer(1)
                .reduce(0L, (s, x) -> s + x));
    }
}

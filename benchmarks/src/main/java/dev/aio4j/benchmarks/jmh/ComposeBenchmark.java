package dev.aio4j.benchmarks.jmh;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * Measures {@code thenCompose} on a task, the everyday composition: a batch of {@value #BATCH}
 * tasks inside one {@code Loop.run}, each composed with a function returning an already-completed
 * stage ({@code onComplete}) or another task ({@code onTask}); one op is one task and its
 * composition. Baseline: the same on plain {@code CompletableFuture}s.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar jmh ComposeBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ComposeBenchmark {
    static final int BATCH = 1_000;
    private static final CompletableFuture<Integer> DONE = CompletableFuture.completedFuture(1);

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object onComplete() throws Exception {
        return Loop.run(() -> {
            CompletionStage<Integer> last = null;
            for (int i = 0; i < BATCH; i++) last = Async.task(() -> DONE).thenCompose(x -> DONE);
            return last;
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object onTask() throws Exception {
        return Loop.run(() -> {
            CompletionStage<Integer> last = null;
            for (int i = 0; i < BATCH; i++) last = Async.task(() -> DONE).thenCompose(x -> Async.task(() -> DONE));
            return last;
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object plainFutures() {
        CompletableFuture<Integer> last = null;
        for (int i = 0; i < BATCH; i++) last = new CompletableFuture<Integer>().thenCompose(x -> DONE);
        return last;
    }
}

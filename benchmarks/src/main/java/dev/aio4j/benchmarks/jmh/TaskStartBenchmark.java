package dev.aio4j.benchmarks.jmh;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import dev.aio4j.benchmarks.KotlinMicro;
import java.util.concurrent.CompletableFuture;
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
 * Measures starting a task and its completion: {@code Async.task(body)} whose body returns an
 * already-completed stage, on a single-threaded loop (a batch of {@value #BATCH} inside one
 * {@code Loop.run}, so one op is one task); baseline: {@code async { 1 }} inside {@code runBlocking}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar jmh TaskStartBenchmark -prof gc}
 * (ns/op, and {@code gc.alloc.rate.norm} = bytes allocated per task).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TaskStartBenchmark {
    static final int BATCH = 1_000;
    private static final CompletableFuture<Integer> DONE = CompletableFuture.completedFuture(1);

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object aio4j() throws Exception {
        return Loop.run(() -> {
            Task<Integer> last = null;
            for (int i = 0; i < BATCH; i++) last = Async.task(() -> DONE);
            return last; // FIFO: when the last is done, all are
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object kotlin() {
        return KotlinMicro.taskStart(BATCH);
    }
}

package dev.aio4j.benchmarks.jmh;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import dev.aio4j.benchmarks.KotlinMicro;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * Measures {@code Async.gather} of 10 on a single-threaded loop (a batch of {@value #BATCH} gathers
 * inside one {@code Loop.run}; one op is one gather): of 10 futures that are already complete (the
 * gather's own cost) and of 10 new tasks (what a user pays for "start 10, wait for all");
 * baselines: {@code awaitAll} in a new coroutine inside {@code runBlocking}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar jmh GatherBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GatherBenchmark {
    static final int BATCH = 1_000;
    private static final CompletableFuture<Integer> DONE = CompletableFuture.completedFuture(1);
    private static final List<CompletableFuture<Integer>> TEN_DONE = Collections.nCopies(10, DONE);

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object aio4jOfTenDone() throws Exception {
        return Loop.run(() -> {
            Task<List<Integer>> last = null;
            for (int i = 0; i < BATCH; i++) last = Async.gather(TEN_DONE);
            return last;
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object aio4jOfTenTasks() throws Exception {
        return Loop.run(() -> {
            Task<List<Integer>> last = null;
            for (int i = 0; i < BATCH; i++) {
                List<Task<Integer>> ten = new ArrayList<>(10);
                for (int k = 0; k < 10; k++) ten.add(Async.task(() -> DONE));
                last = Async.gather(ten);
            }
            return last; // FIFO: the last gather's tasks run last
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object kotlinOfTenDone() {
        return KotlinMicro.gatherOfTenDone(BATCH);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object kotlinOfTenTasks() {
        return KotlinMicro.gatherOfTenTasks(BATCH);
    }
}

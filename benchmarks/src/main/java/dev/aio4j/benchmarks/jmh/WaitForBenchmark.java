package dev.aio4j.benchmarks.jmh;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import dev.aio4j.benchmarks.KotlinMicro;
import java.time.Duration;
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
 * Measures a timeout that does not fire: {@code Async.waitFor(future, 1 s)} on a future that then
 * completes at once, so the timer is set, withdrawn, and the result passed through (a batch of
 * {@value #BATCH} inside one {@code Loop.run}; one op is one waitFor); baseline: a coroutine
 * awaiting a {@code CompletableDeferred} under {@code withTimeout(1000)} inside {@code runBlocking}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar jmh WaitForBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WaitForBenchmark {
    static final int BATCH = 1_000;
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object aio4j() throws Exception {
        return Loop.run(() -> {
            Task<Integer> last = null;
            for (int i = 0; i < BATCH; i++) {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                last = Async.waitFor(f, ONE_SECOND);
                f.complete(i);
            }
            return last;
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object kotlin() {
        return KotlinMicro.timeoutNotFiring(BATCH);
    }
}

package dev.aio4j.benchmarks.jmh;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.benchmarks.KotlinMicro;
import dev.aio4j.benchmarks.Steps;
import java.time.Duration;
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
 * Measures the {@code sleep(ZERO)} round trip: one task yields {@value #BATCH} times in a row, each
 * time continuing when the yield completes (inside one {@code Loop.run}; one op is one yield: the
 * sleep task, its trip through the loop's queue, and the continuation); baseline: {@code yield()}
 * in {@code runBlocking}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar jmh SleepZeroBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SleepZeroBenchmark {
    static final int BATCH = 1_000;

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object aio4j() throws Exception {
        return Loop.run(() -> Steps.repeat(BATCH, i -> Async.sleep(Duration.ZERO)));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object kotlin() {
        return KotlinMicro.yieldRoundTrip(BATCH);
    }
}

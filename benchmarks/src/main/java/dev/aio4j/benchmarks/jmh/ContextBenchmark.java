package dev.aio4j.benchmarks.jmh;

import dev.aio4j.Async;
import dev.aio4j.ContextPropagator;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import dev.aio4j.benchmarks.Steps;
import dev.aio4j.context.MdcContextPropagator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

/**
 * The per-step cost of context propagation: the {@code sleep(ZERO)} round trip (two steps: the
 * sleep's and the continuation's) and spawn-and-gather of {@value #BATCH} tasks (W2 in small),
 * with no propagator ({@code none}), and with the SLF4J MDC propagator registered and a request id
 * in the MDC ({@code mdc}).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar jmh ContextBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ContextBenchmark {
    static final int BATCH = 1_000;

    @Param({"none", "mdc"})
    public String propagator;

    private ContextPropagator<?> registered;

    @Setup(Level.Trial)
    public void setUp() {
        if (propagator.equals("mdc")) {
            registered = new MdcContextPropagator();
            Async.registerContextPropagator(registered);
            MDC.put("requestId", "req-42");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (registered != null) Async.unregisterContextPropagator(registered);
        MDC.clear();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object sleepZero() throws Exception {
        return Loop.run(() -> Steps.repeat(BATCH, i -> Async.sleep(Duration.ZERO)));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object spawnGather() throws Exception {
        return Loop.run(() -> {
            List<Task<Integer>> ts = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) ts.add(Async.task(() -> Async.sleep(Duration.ZERO, 1)));
            return Async.gather(ts);
        });
    }
}

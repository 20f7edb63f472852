package dev.aio4j.benchmarks.jmh;

// PENDING: kept out of compilation until AsyncLock and AsyncQueue are merged. To plug it in:
//   git mv benchmarks/src/pending/java/dev/aio4j/benchmarks/jmh/SyncBenchmark.java \
//          benchmarks/src/main/java/dev/aio4j/benchmarks/jmh/SyncBenchmark.java
// (the JMH annotation processor then lists it; nothing else changes).

import dev.aio4j.AsyncLock;
import dev.aio4j.AsyncQueue;
import dev.aio4j.Loop;
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
 * Measures the uncontended fast paths of the sync primitives on a single-threaded loop (a batch of
 * {@value #BATCH} inside one {@code Loop.run}; one op is one pair): {@code AsyncLock} acquire +
 * release, and {@code AsyncQueue.fifo(1024)} put + get of one item (neither ever waits);
 * baselines: kotlinx {@code Mutex} lock/unlock and {@code Channel(1024)} send/receive in
 * {@code runBlocking}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar jmh SyncBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SyncBenchmark {
    static final int BATCH = 1_000;

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object aio4jLockPair() throws Exception {
        return Loop.run(() -> {
            AsyncLock lock = new AsyncLock();
            for (int i = 0; i < BATCH; i++) {
                CompletableFuture<Void> got = lock.acquire();
                if (!got.isDone()) throw new AssertionError("an uncontended acquire waited");
                lock.release();
            }
            return CompletableFuture.completedFuture(BATCH);
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object aio4jQueuePair() throws Exception {
        return Loop.run(() -> {
            AsyncQueue<Integer> q = AsyncQueue.fifo(1024);
            long s = 0;
            for (int i = 0; i < BATCH; i++) {
                if (!q.put(i).isDone()) throw new AssertionError("a put into a queue with room waited");
                CompletableFuture<Integer> got = q.get();
                if (!got.isDone()) throw new AssertionError("a get from a queue with an item waited");
                s += got.join();
            }
            return CompletableFuture.completedFuture(s);
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object kotlinMutexPair() {
        return KotlinMicro.mutexPair(BATCH);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object kotlinChannelPair() {
        return KotlinMicro.channelPair(BATCH);
    }
}

package dev.aio4j.benchmarks;

import java.util.concurrent.CompletionStage;

/**
 * The aio4j side of the workloads that need the sync primitives (W3 semaphore, W4 queue, W6 lock).
 * Each method is called from task code on the loop under test (single-threaded or shared) and
 * returns the workload's checksum.
 *
 * <p>The implementation is {@code dev.aio4j.benchmarks.SyncWorkloads}, kept in
 * {@code src/pending/java} until {@code AsyncSemaphore}, {@code AsyncQueue} and {@code AsyncLock}
 * exist; {@link Aio4jPeer} finds it by name at run time, so plugging it in is moving that file into
 * {@code src/main/java}.
 */
public interface SyncWorkloadRunner {
    /** W3: {@code n} tasks through one {@code AsyncSemaphore(100)}: acquire, yield, release. */
    CompletionStage<Long> semaphore(int n);

    /** W4: {@code AsyncQueue.fifo(1024)}, one producer of {@code n} ints, 4 consumers summing. */
    CompletionStage<Long> queue(int n);

    /** W6: {@code tasks} tasks x 1,000 rounds of acquire / yield / increment / release on one {@code AsyncLock}. */
    CompletionStage<Long> lock(int tasks);
}

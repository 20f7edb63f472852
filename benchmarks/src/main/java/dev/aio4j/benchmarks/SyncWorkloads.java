package dev.aio4j.benchmarks;

// PENDING: kept out of compilation until AsyncSemaphore, AsyncQueue and AsyncLock are merged.
// To plug it in:  git mv benchmarks/src/pending/java/dev/aio4j/benchmarks/SyncWorkloads.java \
//                        benchmarks/src/main/java/dev/aio4j/benchmarks/SyncWorkloads.java
// Aio4jPeer.SYNC finds this class by name (Aio4jPeer.loadSyncWorkloads), and the harness stops
// printing "W3 aio4j-st skipped: sync primitives not merged yet"; nothing else changes.

import dev.aio4j.Async;
import dev.aio4j.AsyncLock;
import dev.aio4j.AsyncQueue;
import dev.aio4j.AsyncSemaphore;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * W3, W4 and W6 on aio4j's sync primitives, written as a user would with futures: each task is an
 * {@code Async.task} whose body composes the waits; loops go through {@link Steps}. Called from
 * task code on the loop under test (see {@link SyncWorkloadRunner}).
 */
public final class SyncWorkloads implements SyncWorkloadRunner {
    public SyncWorkloads() {}

    @Override
    public CompletionStage<Long> semaphore(int n) {
        AsyncSemaphore sem = new AsyncSemaphore(Workload.PERMITS);
        Section section = new Section(Workload.PERMITS);
        List<Task<Void>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tasks.add(Async.task(() -> sem.acquire()
                    .thenCompose(v -> {
                        section.enter();
                        return Async.sleep(Duration.ZERO); // yield once, holding the permit
                    })
                    .thenApply(v -> {
                        section.leave();
                        sem.release();
                        return null;
                    })));
        }
        return Async.gather(tasks).thenApply(done -> section.passed());
    }

    @Override
    public CompletionStage<Long> queue(int n) {
        AsyncQueue<Integer> q = AsyncQueue.fifo(Workload.QUEUE_CAPACITY);
        Task<Void> producer = Async.task(() -> Steps.repeat(n + Workload.CONSUMERS, i -> q.put(i < n ? i : -1)));
        List<Task<Long>> consumers = new ArrayList<>(Workload.CONSUMERS);
        for (int c = 0; c < Workload.CONSUMERS; c++) {
            consumers.add(Async.task(() -> {
                long[] sum = {0};
                return Steps.drain(q::get, x -> {
                    if (x < 0) return false;
                    sum[0] += x;
                    return true;
                }).thenApply(done -> sum[0]);
            }));
        }
        return producer.thenCompose(done -> Async.gather(consumers)).thenApply(sums -> {
            long s = 0;
            for (long x : sums) s += x;
            return s;
        });
    }

    @Override
    public CompletionStage<Long> lock(int tasks) {
        AsyncLock lock = new AsyncLock();
        long[] counter = {0}; // guarded by lock
        List<Task<Void>> all = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            all.add(Async.task(() -> Steps.repeat(Workload.LOCK_ROUNDS, k -> lock.acquire()
                    .thenCompose(v -> Async.sleep(Duration.ZERO)) // yield once, holding the lock
                    .thenApply(v -> {
                        counter[0]++;
                        lock.release();
                        return null;
                    }))));
        }
        return Async.gather(all).thenCompose(done -> lock.acquire().thenApply(v -> {
            long c = counter[0];
            lock.release();
            return c;
        }));
    }
}

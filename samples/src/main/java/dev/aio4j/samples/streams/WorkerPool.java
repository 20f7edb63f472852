package dev.aio4j.samples.streams;

import dev.aio4j.Async;
import dev.aio4j.AsyncStream;
import dev.aio4j.Loop;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * producer → bounded buffer → N workers → collector, as one stream:
 * {@code jobs.buffer(100).mapAsyncUnordered(4, work).toList()}. Then the same pipeline with one
 * job that fails: the failure fails the stream at once and the other workers' jobs in flight are
 * cancelled, not left running (the explicit form, an {@code AsyncQueue} with worker tasks in a
 * {@code TaskGroup}, does the same by hand).
 */
public final class WorkerPool {
    private WorkerPool() {}

    static final int JOBS = 20;
    static final int WORKERS = 4;

    /** What happened to the jobs of the failing run. */
    record Counts(int started, int finished, int cancelled) {}

    /** A job: 10 ms of work giving its number squared; job {@code failAt} fails after 5 ms. */
    static CompletionStage<Integer> work(int job, int failAt) {
        return Async.sleep(Duration.ofMillis(job == failAt ? 5 : 10), job)
                .thenCompose(j -> j == failAt ? CompletableFuture.<Integer>failedFuture(new IOException("job " + j + " failed")) : CompletableFuture.completedFuture(j * j));
    }

    /** Counts a job: started now, then finished or cancelled when its stage ends (cancelling the returned stage cancels the job). */
    static CompletionStage<Integer> counted(CompletionStage<Integer> job, AtomicInteger started, AtomicInteger finished, AtomicInteger cancelled) {
        started.incrementAndGet();
        return job.whenComplete((v, e) -> {
            if (e == null) finished.incrementAndGet();
            else if (e instanceof java.util.concurrent.CancellationException
                    || e.getCause() instanceof java.util.concurrent.CancellationException) cancelled.incrementAndGet();
        });
    }

    static AsyncStream<Integer> jobs() {
        return AsyncStream.fromIterable(IntStream.range(0, JOBS).boxed().toList());
    }

    /** The pipeline: each job done by {@code work} on one of the workers, and counted. */
    static List<Integer> pipeline(IntFunction<CompletionStage<Integer>> work, AtomicInteger started, AtomicInteger finished, AtomicInteger cancelled) throws Exception {
        return Loop.run(() -> jobs().buffer(100)
                .mapAsyncUnordered(WORKERS, j -> counted(work.apply(j), started, finished, cancelled))
                .toList());
    }

    public static void run() throws Exception {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Integer> squares = pipeline(j -> work(j, -1), started, finished, cancelled);
        long sum = squares.stream().mapToLong(Integer::longValue).sum();
        System.out.printf("%d jobs on %d workers: %d results, sum of squares %d (took %d ms: about %d rounds of 10 ms)%n",
                JOBS, WORKERS, squares.size(), sum, (System.nanoTime() - t0) / 1_000_000, JOBS / WORKERS);

        AtomicInteger s2 = new AtomicInteger();
        AtomicInteger f2 = new AtomicInteger();
        AtomicInteger c2 = new AtomicInteger();
        try {
            pipeline(j -> work(j, 6), s2, f2, c2);
        } catch (IOException e) {
            System.out.println("with a failing job: the stream failed with \"" + e.getMessage() + "\"; "
                    + s2.get() + " jobs started, " + f2.get() + " finished, " + c2.get() + " cancelled, none left running");
        }
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

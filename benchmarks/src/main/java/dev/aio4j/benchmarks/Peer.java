package dev.aio4j.benchmarks;

/**
 * One way of running the workloads: aio4j on a single-threaded or the shared loop, raw kotlinx in
 * one thread or on {@code Dispatchers.Default}, or virtual threads in blocking style.
 */
public interface Peer {
    /** The name printed in the result lines, e.g. {@code aio4j-st}. */
    String name();

    /** Why this peer cannot run {@code w} in this JVM (printed as "skipped: ..."), or null if it can. */
    String skipReason(Workload w);

    /** Runs {@code w} at {@code n} to the end and returns its checksum (see {@link Workload#expected}). */
    long run(Workload w, int n) throws Exception;

    /**
     * The memory probe: starts {@code n} tasks that each sleep {@code sleepMillis} and return i,
     * gathered as in W1; once every one of them is sleeping, calls {@code whilePending} (on any
     * thread; it may block), then waits for the gather and returns the sum of i.
     */
    long sleepingTasks(int n, long sleepMillis, Runnable whilePending) throws Exception;
}

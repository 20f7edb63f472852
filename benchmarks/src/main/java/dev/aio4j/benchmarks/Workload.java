package dev.aio4j.benchmarks;

import java.util.Locale;

/**
 * The workloads of DESIGN.md's Performance section. Every peer runs the same work and returns a
 * checksum; {@link #expected(int)} is what a correct run returns, so a peer that loses a task, a
 * permit, an item or a timeout is caught.
 */
public enum Workload {
    /** N tasks each sleep 50 ms and return i; gather; checksum = sum of i. */
    W1("sleep-gather", "N tasks each sleep 50 ms and return i; gather", 2_000, 10_000, 100_000, 1_000_000),
    /** N tasks each yield once and return i; gather; checksum = sum of i. */
    W2("spawn-gather", "N tasks each yield once and return i; gather", 20_000, 1_000_000),
    /** N tasks through one semaphore of 100 permits: acquire, yield, release; checksum = N. */
    W3("semaphore", "N tasks through one semaphore(100): acquire, yield, release", 5_000, 200_000),
    /** A queue of 1024: one producer of N ints, 4 consumers summing; checksum = sum of the ints. */
    W4("queue", "queue(1024), 1 producer of N ints, 4 consumers summing", 50_000, 2_000_000),
    /**
     * N {@code waitFor(sleep 10 ms -> i, 1 s)} that never fire plus N {@code waitFor(sleep 10 s, 20 ms)}
     * that all fire, at once; checksum = sum of i + N (one per timeout).
     */
    W5("timeouts", "N waitFor(sleep 10 ms, 1 s) (never fire) + N waitFor(sleep 10 s, 20 ms) (all fire)", 2_000, 100_000),
    /** N tasks x 1,000 rounds of acquire / yield / increment / release on one lock; checksum = N x 1,000. */
    W6("lock", "N tasks x 1000 rounds of acquire/yield/increment/release on one lock", 20, 1_000),
    /**
     * A stream: 1 producer of N ints, a buffer of 1024, 4 workers that each yield once per item
     * (unordered), summed; checksum = sum of the ints.
     */
    W7("stream", "1 producer of N ints -> buffer(1024) -> mapAsyncUnordered(4, yield once) -> sum", 20_000, 1_000_000),
    /**
     * The seeds' buffered pipeline without its sleeps: gen_1 yields 0..N-1, gen_2 doubles, gen_3
     * adds 3, each stage behind a buffer of 1; checksum = sum of (2i + 3).
     */
    W8("pipeline", "the seed's pipeline: N ints -> x2 -> +3, 3 stages, buffer(1) each, no sleeps", 10_000, 1_000_000);

    /** Rounds per task in {@link #W6}. */
    public static final int LOCK_ROUNDS = 1_000;
    /** Permits of the semaphore in {@link #W3}. */
    public static final int PERMITS = 100;
    /** Capacity of the queue in {@link #W4}. */
    public static final int QUEUE_CAPACITY = 1024;
    /** Consumers in {@link #W4}. */
    public static final int CONSUMERS = 4;
    /** The buffer of {@link #W7}. */
    public static final int STREAM_BUFFER = 1024;
    /** Workers of {@link #W7}. */
    public static final int STREAM_WORKERS = 4;
    /**
     * What a W5 task that should not have timed out contributes when it did, and what one that should
     * have timed out contributes when it did not: far off the expected sum either way.
     */
    public static final long W5_WRONG = -1_000_000_000_000L;

    private static volatile long w5PatienceMillis = 1_000;

    private final String title;
    private final String description;
    private final int smokeN;
    private final int[] ns;

    Workload(String title, String description, int smokeN, int... ns) {
        this.title = title;
        this.description = description;
        this.smokeN = smokeN;
        this.ns = ns;
    }

    /**
     * The timeout of W5's first half, which must never fire: 1 s as the design defines it. The CI
     * smoke run raises it (see {@link #relaxW5ForSmoke()}) so that a slow machine cannot fail it.
     */
    public static long w5PatienceMillis() {
        return w5PatienceMillis;
    }

    /**
     * Makes W5's never-firing timeout 30 s: on an overloaded machine a cold peer can fall more than
     * 1 s behind its own timers, and the smoke run asserts results, never timing.
     */
    static void relaxW5ForSmoke() {
        w5PatienceMillis = 30_000;
    }

    /** Short name, e.g. "sleep-gather". */
    public String title() {
        return title;
    }

    /** One line saying what runs. */
    public String description() {
        return description;
    }

    /** The N of the full run (W1 has three). */
    public int[] ns() {
        return ns.clone();
    }

    /** A small N for the CI smoke run: checks results, takes well under a second per peer. */
    public int smokeN() {
        return smokeN;
    }

    /** The checksum a correct run at {@code n} returns. */
    public long expected(int n) {
        long sum = (long) n * (n - 1) / 2;
        switch (this) {
            case W1: case W2: case W4: return sum;
            case W3: return n;
            case W5: return sum + n;
            case W6: return (long) n * LOCK_ROUNDS;
            case W7: return sum;
            case W8: return 2 * sum + 3L * n;
            default: throw new AssertionError(this);
        }
    }

    /** W4's, W7's and W8's throughput unit is items; the others count tasks. */
    public boolean isQueue() {
        return this == W4 || this == W7 || this == W8;
    }

    /** Parses "W3" / "w3". */
    public static Workload parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown workload " + s + " (W1..W8)");
        }
    }
}

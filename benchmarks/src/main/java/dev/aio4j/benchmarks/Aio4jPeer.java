package dev.aio4j.benchmarks;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletableFuture;
import dev.aio4j.Emitter;
import dev.aio4j.AsyncStream;
import dev.aio4j.Async;
import dev.aio4j.AsyncCallable;
import dev.aio4j.Loop;
import dev.aio4j.Outcome;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The workloads on aio4j, written as a user would: {@code aio4j-st} runs them inside
 * {@link Loop#run} (one thread), {@code aio4j-mt} as a task on {@link Loop#shared()} (the
 * {@code Dispatchers.Default} workers), awaited from the benchmark's thread.
 */
final class Aio4jPeer implements Peer {
    private static final Duration MS_10 = Duration.ofMillis(10);
    private static final Duration MS_20 = Duration.ofMillis(20);
    private static final Duration MS_50 = Duration.ofMillis(50);
    private static final Duration S_10 = Duration.ofSeconds(10);

    /** The hook for W3, W4, W6: null until the sync primitives are merged (see {@link SyncWorkloadRunner}). */
    static final SyncWorkloadRunner SYNC = loadSyncWorkloads();

    private final boolean shared;

    Aio4jPeer(boolean shared) {
        this.shared = shared;
    }

    @Override
    public String name() {
        return shared ? "aio4j-mt" : "aio4j-st";
    }

    @Override
    public String skipReason(Workload w) {
        boolean needsSync = w == Workload.W3 || w == Workload.W4 || w == Workload.W6;
        return needsSync && SYNC == null ? "sync primitives not merged yet" : null;
    }

    /** Runs {@code main} as the task code of this peer's loop and returns its result. */
    private <T> T onLoop(AsyncCallable<T> main) throws Exception {
        return shared ? Async.await(Loop.shared().task(main)) : Loop.run(main);
    }

    @Override
    public long run(Workload w, int n) throws Exception {
        switch (w) {
            case W1: return sum(onLoop(() -> {
                List<Task<Integer>> tasks = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    Integer v = i;
                    tasks.add(Async.task(() -> Async.sleep(MS_50, v)));
                }
                return Async.gather(tasks);
            }));
            case W2: return sum(onLoop(() -> {
                List<Task<Integer>> tasks = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    Integer v = i;
                    tasks.add(Async.task(() -> Async.sleep(Duration.ZERO, v))); // sleep(0): yield once
                }
                return Async.gather(tasks);
            }));
            case W3: return onLoop(() -> SYNC.semaphore(n));
            case W4: return onLoop(() -> SYNC.queue(n));
            case W5: {
                Duration patience = Duration.ofMillis(Workload.w5PatienceMillis()); // 1 s
                return timeouts(onLoop(() -> {
                    List<Task<Integer>> tasks = new ArrayList<>(2 * n);
                    for (int i = 0; i < n; i++) tasks.add(Async.waitFor(Async.sleep(MS_10, i), patience));
                    for (int i = 0; i < n; i++) tasks.add(Async.waitFor(Async.sleep(S_10, i), MS_20));
                    return Async.gatherSettled(tasks);
                }), n);
            }
            case W6: return onLoop(() -> SYNC.lock(n));
            case W7: return onLoop(() -> AsyncStream.fromIterable(ints(n))
                    .buffer(Workload.STREAM_BUFFER)
                    .mapAsyncUnordered(Workload.STREAM_WORKERS, x -> Async.sleep(Duration.ZERO, x)) // yield once
                    .reduce(0L, (s, x) -> s + x));
            case W8: return onLoop(() -> AsyncStream.<Integer>generate(out -> countTo(n, out)) // gen_1
                    .buffer(1)
                    .<Integer>transform((v, out) -> out.emit(v * 2)) // gen_2
                    .buffer(1)
                    .<Integer>transform((v, out) -> out.emit(v + 3)) // gen_3
                    .buffer(1)
                    .reduce(0L, (s, x) -> s + x));
            default: throw new AssertionError(w);
        }
    }

    /** 0, 1, ..., n-1, made as they are read. */
    static Iterable<Integer> ints(int n) {
        return () -> new java.util.Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public Integer next() {
                if (i >= n) throw new java.util.NoSuchElementException();
                return i++;
            }
        };
    }

    /** The seed's gen_1 as an async generator: emits 0..n-1, each after the previous one was accepted. */
    private static CompletionStage<?> countTo(int n, Emitter<Integer> out) {
        if (n == 0) return CompletableFuture.completedFuture(null);
        int[] i = {0};
        return Async.repeatWhile(() -> out.emit(i[0]++).thenApply(v -> i[0] < n));
    }

    private static long sum(List<Integer> values) {
        long s = 0;
        for (Integer v : values) s += v;
        return s;
    }

    /** W5's checksum: values of the first half (which must not time out), one per timeout in the second. */
    private static long timeouts(List<Outcome<Integer>> outcomes, int n) {
        long s = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome<Integer> o = outcomes.get(i);
            boolean timedOut = o instanceof Outcome.Failure<Integer> f && f.error() instanceof TimeoutException;
            if (i < n) s += o instanceof Outcome.Success<Integer> ok ? ok.value() : Workload.W5_WRONG;
            else s += timedOut ? 1 : Workload.W5_WRONG;
        }
        return s;
    }

    @Override
    public long sleepingTasks(int n, long sleepMillis, Runnable whilePending) throws Exception {
        Duration d = Duration.ofMillis(sleepMillis);
        AtomicInteger started = new AtomicInteger();
        if (!shared) {
            return sum(Loop.run(() -> {
                List<Task<Integer>> tasks = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    Integer v = i;
                    tasks.add(Async.task(() -> {
                        started.incrementAndGet();
                        return Async.sleep(d, v);
                    }));
                }
                Task<List<Integer>> all = Async.gather(tasks);
                Loop loop = Loop.current().orElseThrow();
                loop.callSoon(new Runnable() { // runs after the bodies (FIFO); blocks the loop while it measures
                    @Override
                    public void run() {
                        if (started.get() < n) loop.callSoon(this);
                        else whilePending.run();
                    }
                });
                return all;
            }));
        }
        Task<List<Integer>> all = Loop.shared().task(() -> {
            List<Task<Integer>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Integer v = i;
                tasks.add(Async.task(() -> {
                    started.incrementAndGet();
                    return Async.sleep(d, v);
                }));
            }
            return Async.gather(tasks);
        });
        while (started.get() < n) Thread.sleep(5);
        whilePending.run();
        return sum(Async.await(all));
    }

    private static SyncWorkloadRunner loadSyncWorkloads() {
        try {
            return (SyncWorkloadRunner) Class.forName("dev.aio4j.benchmarks.SyncWorkloads").getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("dev.aio4j.benchmarks.SyncWorkloads is there but cannot be created", e);
        }
    }
}

package dev.aio4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The workloads in blocking style, one virtual thread per task: {@code Thread.sleep},
 * {@code Thread.yield}, {@link Semaphore}, {@link ArrayBlockingQueue}, {@link ReentrantLock} (the
 * JDK's defaults, as a user would write them), and {@code Future.get(timeout)} +
 * {@code cancel(true)} for a timeout that stops its work. Virtual threads are found at run time
 * (JDK 21+), since this module compiles for Java 17.
 */
final class VirtualThreadsPeer implements Peer {
    /** Creates virtual threads, or null before JDK 21. */
    private static final ThreadFactory FACTORY = virtualThreadFactory();

    @Override
    public String name() {
        return "vthreads";
    }

    @Override
    public String skipReason(Workload w) {
        return FACTORY == null ? "virtual threads need JDK 21+ (this is " + Runtime.version() + ")" : null;
    }

    static boolean available() {
        return FACTORY != null;
    }

    /** An executor that starts one virtual thread per task. */
    private static ExecutorService perTask() {
        try {
            return (ExecutorService) Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class).invoke(null, FACTORY);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public long run(Workload w, int n) throws Exception {
        ExecutorService ex = perTask();
        try {
            switch (w) {
                case W1: return sumAll(submitAll(ex, n, i -> () -> {
                    Thread.sleep(50);
                    return i;
                }));
                case W2: return sumAll(submitAll(ex, n, i -> () -> {
                    Thread.yield();
                    return i;
                }));
                case W3: {
                    Semaphore sem = new Semaphore(Workload.PERMITS);
                    Section section = new Section(Workload.PERMITS);
                    waitAll(submitAll(ex, n, i -> () -> {
                        sem.acquire();
                        try {
                            section.enter();
                            Thread.yield();
                            section.leave();
                        } finally {
                            sem.release();
                        }
                        return null;
                    }));
                    return section.passed();
                }
                case W4: {
                    ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(Workload.QUEUE_CAPACITY);
                    Future<?> producer = ex.submit(() -> {
                        for (int i = 0; i < n; i++) q.put(i);
                        for (int c = 0; c < Workload.CONSUMERS; c++) q.put(-1);
                        return null;
                    });
                    long sum = sumAll(submitAll(ex, Workload.CONSUMERS, c -> () -> {
                        long s = 0;
                        while (true) {
                            int x = q.take();
                            if (x < 0) return s;
                            s += x;
                        }
                    }));
                    producer.get();
                    return sum;
                }
                case W5: {
                    List<Future<Long>> never = submitAll(ex, n, i -> () -> {
                        Future<Integer> work = ex.submit(() -> {
                            Thread.sleep(10);
                            return i;
                        });
                        return withTimeout(work, Workload.w5PatienceMillis()) ? (long) work.get() : Workload.W5_WRONG;
                    });
                    List<Future<Long>> fire = submitAll(ex, n, i -> () -> {
                        Future<Integer> work = ex.submit(() -> {
                            Thread.sleep(10_000);
                            return i;
                        });
                        return withTimeout(work, 20) ? Workload.W5_WRONG : 1L;
                    });
                    return sumAll(never) + sumAll(fire);
                }
                case W6: {
                    ReentrantLock lock = new ReentrantLock();
                    long[] counter = {0};
                    waitAll(submitAll(ex, n, i -> () -> {
                        for (int k = 0; k < Workload.LOCK_ROUNDS; k++) {
                            lock.lock();
                            try {
                                Thread.yield();
                                counter[0]++;
                            } finally {
                                lock.unlock();
                            }
                        }
                        return null;
                    }));
                    lock.lock(); // the last writer's increments happen-before this read
                    try {
                        return counter[0];
                    } finally {
                        lock.unlock();
                    }
                }
                case W7: { // a bounded queue and 4 worker threads, each yielding once per item
                    ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(Workload.STREAM_BUFFER);
                    Future<?> producer = ex.submit(() -> {
                        for (int i = 0; i < n; i++) q.put(i);
                        for (int c = 0; c < Workload.STREAM_WORKERS; c++) q.put(-1);
                        return null;
                    });
                    long sum = sumAll(submitAll(ex, Workload.STREAM_WORKERS, c -> () -> {
                        long s = 0;
                        while (true) {
                            int x = q.take();
                            if (x < 0) return s;
                            Thread.yield();
                            s += x;
                        }
                    }));
                    producer.get();
                    return sum;
                }
                case W8: { // one thread per stage, queues of 1 between them
                    ArrayBlockingQueue<Integer> q1 = new ArrayBlockingQueue<>(1);
                    ArrayBlockingQueue<Integer> q2 = new ArrayBlockingQueue<>(1);
                    ArrayBlockingQueue<Integer> q3 = new ArrayBlockingQueue<>(1);
                    Future<?> gen1 = ex.submit(() -> {
                        for (int i = 0; i < n; i++) q1.put(i);
                        q1.put(END);
                        return null;
                    });
                    Future<?> gen2 = ex.submit(() -> stage(q1, q2, x -> x * 2));
                    Future<?> gen3 = ex.submit(() -> stage(q2, q3, x -> x + 3));
                    long s = 0;
                    while (true) {
                        int x = q3.take();
                        if (x == END) break;
                        s += x;
                    }
                    gen1.get();
                    gen2.get();
                    gen3.get();
                    return s;
                }
                default: throw new AssertionError(w);
            }
        } finally {
            ex.shutdownNow();
        }
    }

    /** The end of W8's stream (its values are never negative). */
    private static final int END = Integer.MIN_VALUE;

    /** One W8 stage: takes from {@code in}, passes {@code fn(x)} on to {@code out}, until the end. */
    private static Void stage(ArrayBlockingQueue<Integer> in, ArrayBlockingQueue<Integer> out,
                              java.util.function.IntUnaryOperator fn) throws InterruptedException {
        while (true) {
            int x = in.take();
            out.put(x == END ? END : fn.applyAsInt(x));
            if (x == END) return null;
        }
    }

    /** Blocks until {@code work} completes (true) or {@code millis} pass (false: it is cancelled, interrupting it). */
    private static boolean withTimeout(Future<?> work, long millis) throws InterruptedException {
        try {
            work.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            work.cancel(true);
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    interface Body<T> {
        Callable<T> of(int i);
    }

    private static <T> List<Future<T>> submitAll(ExecutorService ex, int n, Body<T> body) {
        List<Future<T>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(ex.submit(body.of(i)));
        return out;
    }

    private static long sumAll(List<? extends Future<? extends Number>> fs) throws Exception {
        long s = 0;
        for (Future<? extends Number> f : fs) s += f.get().longValue();
        return s;
    }

    private static void waitAll(List<? extends Future<?>> fs) throws Exception {
        for (Future<?> f : fs) f.get();
    }

    @Override
    public long sleepingTasks(int n, long sleepMillis, Runnable whilePending) throws Exception {
        ExecutorService ex = perTask();
        try {
            AtomicInteger started = new AtomicInteger();
            List<Future<Integer>> fs = submitAll(ex, n, i -> () -> {
                started.incrementAndGet();
                Thread.sleep(sleepMillis);
                return i;
            });
            while (started.get() < n) Thread.sleep(5);
            Thread.sleep(200); // let the last ones reach their sleep (and unmount)
            whilePending.run();
            return sumAll(fs);
        } finally {
            ex.shutdownNow();
        }
    }

    private static ThreadFactory virtualThreadFactory() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}

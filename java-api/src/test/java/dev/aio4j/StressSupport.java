package dev.aio4j;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/** Shared machinery of the *StressTest classes: scale, and threads that cancel futures at random. */
final class StressSupport {
    private StressSupport() {}

    /** Multiplies the stress tests' sizes: {@code -Dstress.scale=10} for a longer run. */
    static final int SCALE = Math.max(1, Integer.getInteger("stress.scale", 1));

    /** Threads that keep cancelling randomly chosen futures from a growing list until stopped. */
    static final class Cancellers implements AutoCloseable {
        final List<CompletableFuture<?>> targets = new CopyOnWriteArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread[] threads;

        Cancellers(int threads, double share) {
            this.threads = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                this.threads[i] = new Thread(() -> run(share), "canceller-" + i);
                this.threads[i].setDaemon(true);
                this.threads[i].start();
            }
        }

        /** Registers a future; it is cancelled with probability {@code share} soon after. */
        <F extends CompletableFuture<?>> F add(F f) {
            targets.add(f);
            return f;
        }

        private void run(double share) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int next = 0;
            while (!stop.get()) {
                int n = targets.size();
                if (next >= n) {
                    Thread.yield();
                    continue;
                }
                // each canceller walks the list from a random offset; a target may be hit twice
                int i = next + r.nextInt(Math.min(64, n - next));
                next++;
                if (r.nextDouble() < share) targets.get(i).cancel(true);
            }
        }

        @Override
        public void close() {
            stop.set(true);
            try {
                for (Thread t : threads) t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many Kotlin coroutines started with {@link Async#fromSuspend}, cancelled at random moments from
 * several threads: every coroutine ends (its {@code finally} runs), every task ends as cancel()
 * said, and nothing is left pending.
 */
@Timeout(60)
class FromSuspendStressTest {
    static final int SCALE = Integer.getInteger("stress.scale", 1);

    static void storm(String prefix, int n, Consumer<Runnable> onLoop) throws Exception {
        SuspendFixtures fx = new SuspendFixtures();
        TaskGroupStressTest.Storm s = new TaskGroupStressTest.Storm(prefix);
        AtomicInteger live = new AtomicInteger();
        AtomicReferenceArray<Task<Long>> tasks = new AtomicReferenceArray<>(n);
        AtomicIntegerArray cancelled = new AtomicIntegerArray(n);
        List<Thread> cancellers = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int k = 0; k < n / 3; k++) {
                    int i = r.nextInt(n);
                    Task<Long> task = tasks.get(i);
                    if (task != null && task.cancel()) cancelled.set(i, 1);
                    LockSupport.parkNanos(r.nextInt(50_000)); // random moments, not synchronisation
                }
            });
            t.start();
            cancellers.add(t);
        }
        for (int i = 0; i < n; i++) {
            int k = i;
            long millis = switch (k % 4) {
                case 0 -> 0L;
                case 1 -> 1L;
                case 2 -> 3L;
                default -> Long.MAX_VALUE;
            };
            onLoop.accept(() -> tasks.set(k, Async.fromSuspend(prefix + k,
                    c -> fx.tracked(millis, () -> s.started(live), () -> s.ended(live), c))));
        }
        CompletableFuture<Void> created = new CompletableFuture<>();
        onLoop.accept(() -> created.complete(null));
        created.get(10, TimeUnit.SECONDS);
        for (Thread t : cancellers) t.join(20_000);
        for (int i = 0; i < n; i++) if (tasks.get(i).cancel()) cancelled.set(i, 1); // the ones that would wait forever
        for (int i = 0; i < n; i++) {
            Task<Long> t = tasks.get(i);
            Throwable e = t.handle((v, x) -> x).get(10, TimeUnit.SECONDS);
            if (cancelled.get(i) == 1) assertTrue(t.isCancelled(), t.toString());
            else assertEquals(null, e, t.toString());
        }
        assertTrue(s.awaitNothingRunning(10_000), s.running.get() + " coroutines still run after their tasks ended");
    }

    @Test
    void coroutinesCancelledAtRandomOnASingleThreadedLoopAllEnd() throws Exception {
        try (Loop loop = Loop.create("suspend-storm")) {
            storm("st-suspend-", 4000 * SCALE, loop::callSoon);
            Set<String> left = loop.task(() -> TaskGroupStressTest.leftovers(null, 1000)).get(10, TimeUnit.SECONDS);
            assertEquals(Set.of(), left);
        }
    }

    @Test
    void coroutinesCancelledAtRandomOnTheSharedLoopAllEnd() throws Exception {
        storm("mt-suspend-", 4000 * SCALE, r -> Loop.shared().callSoon(r));
        Set<String> left = Loop.shared().task(() -> TaskGroupStressTest.leftovers("mt-suspend-", 10_000)).get(10, TimeUnit.SECONDS);
        assertEquals(Set.of(), left);
    }
}

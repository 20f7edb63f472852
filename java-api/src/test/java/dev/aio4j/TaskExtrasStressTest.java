package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task keeps its rarely used parts (an unnamed task's number, done callbacks) in a record made
 * on first use by whichever thread gets there first: threads asking for its name, adding and
 * removing done callbacks while it is cancelled never see two names, never lose a callback, never
 * run a removed one, never run one twice.
 */
@Timeout(120)
class TaskExtrasStressTest {
    @Test
    void namesAndDoneCallbacksFromSeveralThreadsWhileTheTaskEnds() throws Exception {
        int rounds = 1_500;
        int threads = 4;
        int perThread = 3;
        try (Loop loop = Loop.create("extras")) {
            for (int round = 0; round < rounds; round++) oneRound(loop, round, threads, perThread);
        }
    }

    private static void oneRound(Loop loop, int round, int threads, int perThread) throws Exception {
        CompletableFuture<Void> never = new CompletableFuture<>();
        Task<Void> task = loop.task(() -> never);
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        Set<String> names = ConcurrentHashMap.newKeySet();
        List<AtomicInteger> runs = new ArrayList<>();
        List<Boolean> removed = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            runs.add(new AtomicInteger());
            removed.add(false);
        }
        CountDownLatch allRan = new CountDownLatch(1);
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            int r = round;
            Thread th = new Thread(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < perThread; i++) {
                        names.add(task.name());
                        AtomicInteger count = runs.get(base + i);
                        Consumer<Task<Void>> callback = done -> count.incrementAndGet();
                        task.addDoneCallback(callback);
                        if ((i + r) % 2 == 0 && task.removeDoneCallback(callback) == 1) {
                            synchronized (removed) {
                                removed.set(base + i, true);
                            }
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "extras-" + t);
            th.start();
            ts.add(th);
        }
        start.await(10, TimeUnit.SECONDS);
        task.cancel();
        for (Thread th : ts) th.join(10_000);
        assertEquals(List.of(), errors);
        // callbacks run on the task's loop, one thread, in the order they were posted: one added
        // last runs after every earlier one
        task.addDoneCallback(done -> allRan.countDown());
        assertTrue(allRan.await(10, TimeUnit.SECONDS));
        assertEquals(1, names.size(), "round " + round + ": names " + names);
        for (int i = 0; i < runs.size(); i++) {
            int expected = removed.get(i) ? 0 : 1;
            assertEquals(expected, runs.get(i).get(), "round " + round + ", callback " + i + " (removed: " + removed.get(i) + ")");
        }
    }
}

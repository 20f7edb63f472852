package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancellation storms: many task groups (children that sleep forever, end quickly, fail, nest a
 * group, start more children) cancelled at random moments from several threads. Afterwards no
 * child may still run, no task of the storm may be pending, and every group must have ended as
 * its rules say. {@code -Dstress.scale=n} makes it n times bigger.
 */
@Timeout(60)
class TaskGroupStressTest {
    static final int SCALE = Integer.getInteger("stress.scale", 1);
    static final Duration FOREVER = Duration.ofHours(1);

    /** The bookkeeping of one storm. */
    static final class Storm {
        final String prefix;
        final AtomicInteger running = new AtomicInteger(); // children whose code ran and whose cleanup has not
        final List<String> violations = Collections.synchronizedList(new ArrayList<>());

        Storm(String prefix) {
            this.prefix = prefix;
        }

        final AtomicInteger total = new AtomicInteger(); // children whose code ran, in all

        void started(AtomicInteger live) {
            total.incrementAndGet();
            running.incrementAndGet();
            live.incrementAndGet();
        }

        void ended(AtomicInteger live) {
            live.decrementAndGet();
            if (running.decrementAndGet() == 0) {
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        /** Waits (by notification, not by sleeping) until no child runs; false if that takes over {@code millis}. */
        synchronized boolean awaitNothingRunning(long millis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (running.get() != 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) return false;
                wait(left);
            }
            return true;
        }
    }

    /** A group of random shape; its seed makes the shape reproducible. */
    static Task<Object> group(Storm s, int i, long seed) {
        return Async.taskGroup(s.prefix + i, group -> {
            Random r = new Random(seed);
            AtomicInteger live = new AtomicInteger(); // this group's own children still running
            Task<?> self = Async.currentTask().orElseThrow();
            self.whenComplete((v, e) -> {
                if (!self.isCancelled() && live.get() != 0) {
                    s.violations.add(self + " ended while " + live.get() + " of its children still ran");
                }
            });
            List<Task<Object>> kids = new ArrayList<>();
            int n = r.nextInt(5);
            for (int j = 0; j < n; j++) kids.add(child(s, group, s.prefix + i + "-c" + j, r.nextInt(5), r.nextInt(3), live));
            return switch (r.nextInt(4)) {
                case 0 -> Async.sleep(Duration.ofMillis(r.nextInt(3)), (Object) "v");
                case 1 -> Async.gather(kids).thenApply(list -> (Object) "gathered");
                case 2 -> Async.sleep(FOREVER, (Object) "never");
                default -> Async.sleep(Duration.ofMillis(r.nextInt(3)))
                        .thenCompose(x -> CompletableFuture.failedFuture(new IOException("boom body " + i)));
            };
        });
    }

    static Task<Object> child(Storm s, TaskGroup group, String name, int kind, int millis, AtomicInteger live) {
        Duration d = Duration.ofMillis(millis);
        return group.task(name, () -> switch (kind) {
            case 0 -> tracked(s, live, Async.sleep(FOREVER, (Object) "never"));
            case 1 -> tracked(s, live, Async.sleep(d, (Object) "short"));
            case 2 -> tracked(s, live, Async.sleep(d, (Object) null))
                    .thenCompose(x -> CompletableFuture.failedFuture(new IOException("boom " + name)));
            case 3 -> Async.taskGroup(name + "-inner", inner -> {
                AtomicInteger innerLive = new AtomicInteger();
                inner.task(name + "-inner-forever", () -> tracked(s, innerLive, Async.sleep(FOREVER, (Object) "never")));
                if (millis == 0) inner.task(name + "-inner-fail", () -> tracked(s, innerLive, Async.sleep(d, (Object) null))
                        .thenCompose(x -> CompletableFuture.failedFuture(new IOException("boom " + name + "-inner"))));
                return Async.sleep(d, (Object) "inner");
            });
            default -> Async.sleep(Duration.ZERO).thenCompose(x ->
                    group.task(name + "-spawned", () -> tracked(s, live, Async.sleep(d, (Object) "spawned"))));
        });
    }

    /** Counts a child as running from now until its stage ends (its cleanup). */
    static <T> CompletionStage<T> tracked(Storm s, AtomicInteger live, Task<T> stage) {
        s.started(live);
        return stage.whenComplete((v, e) -> s.ended(live));
    }

    /** Tasks of the storm still pending on the current loop, after yielding until there are none (or enough yields). */
    static CompletionStage<Set<String>> leftovers(String prefix, int yields) {
        return leftovers(Async.currentTask().orElseThrow(), prefix, yields);
    }

    private static CompletionStage<Set<String>> leftovers(Task<?> me, String prefix, int yields) {
        Set<String> names = new TreeSet<>();
        for (Task<?> t : Async.allTasks()) {
            if (t != me && (prefix == null || t.name().startsWith(prefix))) names.add(t.toString());
        }
        if (names.isEmpty() || yields == 0) return CompletableFuture.completedFuture(names);
        return Async.sleep(Duration.ZERO).thenCompose(x -> leftovers(me, prefix, yields - 1));
    }

    /**
     * Runs one storm: {@code create} starts group i (on the loop under test) and stores it; three
     * threads cancel random groups at random moments meanwhile and afterwards.
     */
    static void storm(Storm s, int groups, Consumer<Runnable> onLoop) throws Exception {
        AtomicReferenceArray<Task<Object>> slots = new AtomicReferenceArray<>(groups);
        AtomicIntegerArray cancelled = new AtomicIntegerArray(groups);
        long baseSeed = ThreadLocalRandom.current().nextLong();
        AtomicBoolean created = new AtomicBoolean();
        List<Thread> cancellers = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int k = 0; k < groups / 4 || !created.get(); k++) {
                    int i = r.nextInt(groups);
                    Task<Object> g = slots.get(i);
                    if (g != null && g.cancel()) cancelled.set(i, 1);
                    LockSupport.parkNanos(r.nextInt(100_000)); // random moments, not synchronisation
                }
            }, "canceller-" + c);
            t.start();
            cancellers.add(t);
        }
        CompletableFuture<Void> allCreated = new CompletableFuture<>();
        for (int i = 0; i < groups; i++) {
            int n = i;
            onLoop.accept(() -> slots.set(n, group(s, n, baseSeed + n)));
        }
        onLoop.accept(() -> allCreated.complete(null));
        allCreated.get(10, TimeUnit.SECONDS);
        created.set(true);
        for (Thread t : cancellers) t.join(20_000);

        // groups that sleep forever end only when cancelled: cancel whatever is left
        for (int i = 0; i < groups; i++) {
            if (slots.get(i).cancel()) cancelled.set(i, 1);
        }
        List<CompletableFuture<?>> ends = new ArrayList<>();
        for (int i = 0; i < groups; i++) ends.add(slots.get(i).handle((v, e) -> null));
        CompletableFuture.allOf(ends.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);

        for (int i = 0; i < groups; i++) {
            Task<Object> g = slots.get(i);
            if (cancelled.get(i) == 1) {
                if (!g.isCancelled()) s.violations.add("cancel() returned true but " + g);
                continue;
            }
            if (g.isCancelled()) {
                s.violations.add(g + " is cancelled but nobody cancelled it");
            } else if (g.isCompletedExceptionally()) {
                Throwable e = g.exception();
                if (!(e instanceof IOException) || !e.getMessage().startsWith("boom")) s.violations.add(g + " failed with " + e);
                for (Throwable x : e.getSuppressed()) {
                    if (!(x instanceof IOException || x instanceof IllegalStateException)) s.violations.add(g + " suppressed " + x);
                    if (x == e) s.violations.add(g + " suppressed its own failure");
                }
            }
        }
        assertTrue(s.total.get() > groups / 20, "the storm hardly started any child: " + s.total.get());
        assertTrue(s.awaitNothingRunning(10_000), s.running.get() + " children still run after every group ended");
        assertEquals(List.of(), s.violations);
    }

    @Test
    void thousandGroupsCancelledAtRandomOnASingleThreadedLoopLeaveNothingRunning() throws Exception {
        Storm s = new Storm("st-storm-");
        try (Loop loop = Loop.create("group-storm")) {
            storm(s, 1000 * SCALE, loop::callSoon);
            Set<String> left = loop.task(() -> leftovers(null, 1000)).get(10, TimeUnit.SECONDS);
            assertEquals(Set.of(), left, "Async.allTasks() after the storm");
        }
    }

    @Test
    void thousandGroupsCancelledAtRandomOnTheSharedLoopLeaveNothingRunning() throws Exception {
        Storm s = new Storm("mt-storm-");
        storm(s, 1000 * SCALE, r -> Loop.shared().callSoon(r));
        Set<String> left = Loop.shared().task(() -> leftovers("mt-storm-", 10_000)).get(10, TimeUnit.SECONDS);
        assertEquals(Set.of(), left, "Async.allTasks() after the storm");
    }

    @Test
    void groupsCancelledFromInsideAndOutsideWhileChildrenFailEndCancelledOrFailedNeverBoth() throws Exception {
        // many small groups whose children fail at once while the group is cancelled from another thread
        try (Loop loop = Loop.create("group-fail-storm")) {
            for (int round = 0; round < 200 * SCALE; round++) {
                CompletableFuture<Void> go = new CompletableFuture<>();
                IOException boom = new IOException("boom");
                CompletableFuture<Task<Object>> gf = new CompletableFuture<>();
                loop.callSoon(() -> gf.complete(Async.taskGroup(group -> {
                    for (int j = 0; j < 3; j++) group.task(() -> go.thenCompose(x -> CompletableFuture.failedFuture(boom)));
                    return Async.sleep(FOREVER, (Object) "never");
                })));
                Task<Object> g = gf.get(5, TimeUnit.SECONDS);
                Thread failer = new Thread(() -> go.complete(null));
                failer.start();
                boolean cancelledByUs = g.cancel();
                failer.join(5_000);
                Throwable e = g.handle((v, x) -> x).get(5, TimeUnit.SECONDS);
                if (cancelledByUs) {
                    assertTrue(e instanceof CancellationException, "cancel() returned true, yet " + g);
                } else {
                    assertTrue(e == boom, g.toString());
                    assertEquals(0, e.getSuppressed().length, "the same failure three times is reported once");
                }
            }
            Set<String> left = loop.task(() -> leftovers(null, 1000)).get(10, TimeUnit.SECONDS);
            assertEquals(Set.of(), left);
        }
    }
}

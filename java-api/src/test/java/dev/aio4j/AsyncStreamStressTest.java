package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * AsyncStream under stress: random cancel points on single-threaded and shared loops, where every
 * item emitted must be delivered or discarded exactly once; deep synchronous streams.
 */
@Timeout(300)
class AsyncStreamStressTest {
    private static final int RUNS = 10_000 * StressSupport.SCALE;

    /** Accounts for one run: what was emitted, delivered, discarded. */
    static final class Ledger {
        final Set<Integer> emitted = ConcurrentHashMap.newKeySet();
        final Set<Integer> delivered = ConcurrentHashMap.newKeySet();
        final Set<Integer> discarded = ConcurrentHashMap.newKeySet();
        final AtomicInteger duplicates = new AtomicInteger();
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger cleanup = new AtomicInteger();

        /** Every generator that started has run its cleanup (one that never started, cancelled first, has none). */
        boolean cleanedUp() {
            return started.get() == cleanup.get();
        }

        void deliver(Integer x) {
            if (!delivered.add(x)) duplicates.incrementAndGet();
        }

        void discard(Integer x) {
            if (!discarded.add(x)) duplicates.incrementAndGet();
        }

        boolean balanced() {
            return emitted.size() == delivered.size() + discarded.size();
        }

        /**
         * On the shared loop the generator's last step may still run on one worker while its
         * cancellation has completed on another (an emit into the cancelled run, then discarded):
         * wait until the accounts balance, and fail only if they never do (a lost item never
         * balances).
         */
        void checkEventually(String what) {
            try {
                Support.awaitTrue(() -> cleanedUp() && balanced());
            } catch (AssertionError e) {
                Set<Integer> missing = new java.util.TreeSet<>(emitted);
                missing.removeAll(delivered);
                missing.removeAll(discarded);
                throw new AssertionError(what + ": generators started " + started + ", cleaned up " + cleanup + "; emitted " + emitted.size()
                        + ", delivered " + delivered.size() + ", discarded " + discarded.size() + ", neither: " + missing
                        + "\n" + Async.dumpTasks(), e);
            }
            // what may only get worse once seen: checked after the accounts balanced
            assertEquals(0, duplicates.get(), what + ": an item was delivered or discarded twice");
            for (Integer x : discarded) assertTrue(!delivered.contains(x), what + ": both delivered and discarded: " + x);
        }

        void check(String what) {
            assertEquals(0, duplicates.get(), what + ": an item was delivered or discarded twice");
            for (Integer x : delivered) assertTrue(emitted.contains(x), what + ": delivered but never emitted: " + x);
            for (Integer x : discarded) {
                assertTrue(emitted.contains(x), what + ": discarded but never emitted: " + x);
                assertTrue(!delivered.contains(x), what + ": both delivered and discarded: " + x);
            }
            assertEquals(emitted.size(), delivered.size() + discarded.size(),
                    what + ": emitted " + emitted.size() + " != delivered " + delivered.size() + " + discarded " + discarded.size());
        }

        /** A generator that emits 0.. forever (yielding now and then), recording each emit call. */
        AsyncGenerator<Integer> generator() {
            return generator(0, 1);
        }

        /** A generator that emits from, from + step, ... forever: several in one ledger use disjoint items. */
        AsyncGenerator<Integer> generator(int from, int step) {
            return out -> {
                started.incrementAndGet();
                return emitFrom(out, from, step).whenComplete((v, e) -> cleanup.incrementAndGet());
            };
        }

        private CompletionStage<Void> emitFrom(Emitter<Integer> out, int i, int step) {
            emitted.add(i);
            CompletableFuture<Void> f = out.emit(i);
            if (i % 7 == 3) return f.thenCompose(v -> Async.sleep(Duration.ZERO)).thenCompose(v -> emitFrom(out, i + step, step));
            return f.thenCompose(v -> emitFrom(out, i + step, step));
        }
    }

    private static CompletionStage<Void> yields(int n) {
        CompletionStage<Void> s = CompletableFuture.completedFuture(null);
        for (int i = 0; i < n; i++) s = s.thenCompose(v -> Async.sleep(Duration.ZERO));
        return s;
    }

    private static AsyncStream<Integer> pipeline(Ledger l, int shape) {
        AsyncStream<Integer> s = AsyncStream.generate(l.generator());
        return switch (shape) {
            case 0 -> s.onDiscard(l::discard);
            case 1 -> s.buffer(3).onDiscard(l::discard);
            case 2 -> s.filter(x -> true).buffer(2).onDiscard(l::discard);
            case 3 -> s.onDiscard(l::discard).take(1 + ThreadLocalRandom.current().nextInt(20));
            case 5 -> AsyncStream.merge(s, AsyncStream.generate(l.generator(-1, -1)).buffer(1), AsyncStream.generate(l.generator(1 << 30, 1)))
                    .onDiscard(l::discard);
            // an item the transform took from upstream after the cancel goes to the onDiscard above it; one it emitted, below
            default -> s.onDiscard(l::discard).transform((Integer x, Emitter<Integer> out) -> out.emit(x)).buffer(1).onDiscard(l::discard);
        };
    }

    private static int shapes(int run) {
        return run % 6;
    }

    @Test
    void cancelAtRandomPointsOnALoopLosesNoItem() throws Exception {
        for (int run = 0; run < RUNS / 2; run++) {
            Ledger l = new Ledger();
            int shape = shapes(run);
            int k = ThreadLocalRandom.current().nextInt(30);
            Loop.run(() -> {
                Task<Void> t = pipeline(l, shape).forEach(l::deliver);
                return yields(k).thenApply(v -> t.cancel(true));
            });
            l.check("run " + run + " shape " + shape + " cancelled after " + k + " yields");
            assertTrue(l.cleanedUp(), "the generator's cleanup ran before Loop.run returned");
        }
    }

    @Test
    void cancelAtRandomPointsOnTheSharedLoopLosesNoItem() throws Exception {
        for (int run = 0; run < RUNS / 2; run++) {
            Ledger l = new Ledger();
            int shape = shapes(run);
            int k = ThreadLocalRandom.current().nextInt(30);
            Task<Void> t = pipeline(l, shape).forEach(l::deliver);
            Async.await(yields(k));
            t.cancel(true);
            l.checkEventually("shared run " + run + " shape " + shape);
        }
    }

    @Test
    void iteratorWithCancelledNextCallsLosesNoItem() throws Exception {
        for (int run = 0; run < RUNS / 4; run++) {
            Ledger l = new Ledger();
            boolean shared = run % 2 == 1;
            int capacity = run % 3;
            AsyncCallable<Void> body = () -> {
                AsyncIterator<Integer> it = AsyncStream.generate(l.generator()).buffer(capacity).onDiscard(l::discard).iterator();
                List<CompletableFuture<Integer>> calls = new ArrayList<>();
                ThreadLocalRandom r = ThreadLocalRandom.current();
                int n = 1 + r.nextInt(8);
                for (int i = 0; i < n; i++) {
                    CompletableFuture<Integer> f = it.next();
                    f.thenAccept(x -> {
                        if (x != null) l.deliver(x);
                    });
                    calls.add(f);
                }
                return yields(r.nextInt(5)).thenCompose(v -> {
                    for (CompletableFuture<Integer> f : calls) if (r.nextBoolean()) f.cancel(true);
                    return yields(r.nextInt(5));
                }).thenCompose(v -> it.close());
            };
            if (shared) Async.await(Async.task(body));
            else Loop.run(body);
            l.checkEventually("iterator run " + run);
        }
    }

    @Test
    void takeRacingTheNextEmitDeliversExactlyNAndCleansUpFirst() throws Exception {
        for (int run = 0; run < RUNS / 4; run++) {
            Ledger l = new Ledger();
            int n = 1 + run % 7;
            boolean shared = run % 2 == 1;
            AsyncCallable<List<Integer>> body = () -> AsyncStream.generate(l.generator()).onDiscard(l::discard).take(n).toList()
                    .thenApply(list -> {
                        assertEquals(1, l.cleanup.get(), "cleanup ran before the terminal task completed");
                        return list;
                    });
            List<Integer> got = shared ? Async.await(Async.task(body)) : Loop.run(body);
            assertEquals(IntStream.range(0, n).boxed().toList(), got);
            got.forEach(l::deliver);
            l.checkEventually("take run " + run);
            assertTrue(l.discarded.size() <= 1, "at most item n+1 is discarded: " + l.discarded);
        }
    }

    @Test
    void aMillionSynchronousItemsNeitherOverflowTheStackNorStarveTheLoop() throws Exception {
        int total = 1_000_000;
        AtomicLong seenWhenCallSoonRan = new AtomicLong(-1);
        AtomicLong count = new AtomicLong();
        Loop.run(() -> {
            Task<Void> t = AsyncStream.fromIterable(() -> IntStream.range(0, total).iterator())
                    .map(x -> x + 1)
                    .filter(x -> x % 2 == 0)
                    .forEach(x -> count.incrementAndGet());
            Loop.current().orElseThrow().callSoon(() -> seenWhenCallSoonRan.set(count.get()));
            return t;
        });
        assertEquals(total / 2, count.get());
        assertTrue(seenWhenCallSoonRan.get() >= 0 && seenWhenCallSoonRan.get() < total / 2,
                "a callSoon scheduled meanwhile ran before the stream ended: " + seenWhenCallSoonRan.get());
    }

    @Test
    void deepBufferedGeneratorAndTransformsStayStackSafe() throws Exception {
        int total = 100_000;
        long n = Loop.run(() -> AsyncStream.generate((Emitter<Integer> out) -> emitAll(out, 0, total)).buffer(64)
                .transform((Integer x, Emitter<Integer> out) -> out.emit(x)).buffer(64).map(x -> x).count());
        assertEquals(total, n);
    }

    private static CompletionStage<Void> emitAll(Emitter<Integer> out, int i, int to) {
        if (i == to) return CompletableFuture.completedFuture(null);
        return out.emit(i).thenCompose(v -> emitAll(out, i + 1, to));
    }

    @Test
    void tryEmitFromEightThreadsLosesAndDuplicatesNothing() throws Exception {
        int perThread = 20_000;
        Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        AtomicLong full = new AtomicLong();
        AtomicInteger unregistered = new AtomicInteger();
        AsyncStream<Integer> s = AsyncStream.push(16, Overflow.SUSPEND, sink -> {
            CountDownLatch done = new CountDownLatch(8);
            sink.onCancel(unregistered::incrementAndGet);
            for (int t = 0; t < 8; t++) {
                int base = t * perThread;
                Thread th = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        EmitResult r = sink.tryEmit(base + i);
                        if (r == EmitResult.OK) accepted.add(base + i);
                        else if (r == EmitResult.FULL) full.incrementAndGet();
                        if (i % 64 == 0) Thread.yield();
                    }
                    done.countDown();
                    if (done.getCount() == 0) sink.complete();
                }, "push-" + t);
                th.setDaemon(true);
                th.start();
            }
        });
        List<Integer> got = Loop.run(s::toList);
        assertEquals(accepted.size(), got.size(), "delivered = accepted (" + full.get() + " FULL)");
        assertEquals(accepted, Set.copyOf(got));
        assertEquals(1, unregistered.get(), "onCancel ran exactly once");
        assertTrue(full.get() + accepted.size() == 8L * perThread);
    }

    @Test
    void mapAsyncUnderRandomCancellationLeavesNoCallRunning() throws Exception {
        for (int run = 0; run < RUNS / 10; run++) {
            AtomicInteger running = new AtomicInteger();
            int k = ThreadLocalRandom.current().nextInt(20);
            Loop.run(() -> {
                Task<Void> t = AsyncStream.generate(new Ledger().generator())
                        .mapAsync(3, x -> {
                            running.incrementAndGet();
                            return Async.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextInt(2000)), x)
                                    .whenComplete((v, e) -> running.decrementAndGet());
                        })
                        .forEach(x -> {});
                return yields(k).thenApply(v -> t.cancel(true));
            });
            assertEquals(0, running.get(), "every mapAsync call ended before Loop.run returned");
        }
        TimeUnit.MILLISECONDS.sleep(0);
    }
}

package dev.aio4j;

import static dev.aio4j.StressSupport.SCALE;
import static dev.aio4j.SyncTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Producers and consumers on several loops and threads, with random cancellation of puts and
 * gets from other threads: every item whose put succeeded is received exactly once or is still
 * queued, no item of a cancelled put is ever received (cancelled puts are forced before the storm,
 * then counted); with one producer and one consumer the order is kept whatever happens to the
 * gets (cancelled from another thread, timed out by {@link Async#waitFor}), and {@code size()},
 * sampled from another thread, never exceeds {@code maxsize}.
 */
@Timeout(60)
class QueueStressTest {

    @Test
    void everyItemIsReceivedExactlyOnceOrStillQueued() throws Exception {
        int perProducer = 5_000 * SCALE;
        int producers = 3;
        int maxsize = 16;
        int forced = 4;
        int produced = perProducer * producers;
        int items = produced + maxsize + forced;
        AsyncQueue<Integer> q = AsyncQueue.fifo(maxsize);
        AtomicIntegerArray received = new AtomicIntegerArray(items);
        AtomicReferenceArray<CompletableFuture<Void>> puts = new AtomicReferenceArray<>(items);
        // by construction, before any consumer runs: fill the queue, then puts that must wait, cancelled
        for (int i = produced; i < produced + maxsize; i++) puts.set(i, q.put(i));
        for (int i = produced + maxsize; i < items; i++) {
            CompletableFuture<Void> p = q.put(i);
            puts.set(i, p);
            assertTrue(!p.isDone() && p.cancel(true), "a put into a full queue waits, and cancelling it withdraws it");
        }
        List<CompletableFuture<Void>> consumersDone = new ArrayList<>();
        List<Loop> loops = new ArrayList<>();
        try (StressSupport.Cancellers cancellers = new StressSupport.Cancellers(2, 0.2)) {
            for (int c = 0; c < 3; c++) {
                Loop l = Loop.create("consumer-" + c);
                loops.add(l);
                CompletableFuture<Void> done = new CompletableFuture<>();
                consumersDone.add(done);
                l.execute(() -> consume(l, q, received, cancellers, done));
            }
            List<CompletableFuture<Void>> producing = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Loop l = p < 2 ? Loop.create("producer-" + p) : Loop.shared();
                if (p < 2) loops.add(l);
                int from = p * perProducer;
                producing.add(await(l.task(() -> CompletableFuture.completedFuture(produce(q, puts, from, from + perProducer, cancellers)))));
            }
            for (CompletableFuture<Void> p : producing) await(p);
            q.shutdown(); // consumers drain what is left, then stop
            for (CompletableFuture<Void> d : consumersDone) await(d);
        } finally {
            for (Loop l : loops) l.close();
        }
        List<Integer> left = new ArrayList<>();
        while (!q.isEmpty()) left.add(q.getNowait());
        for (int x : left) received.incrementAndGet(x);
        int cancelledPuts = 0;
        for (int i = 0; i < items; i++) {
            CompletableFuture<Void> p = puts.get(i);
            if (p.isCancelled()) {
                cancelledPuts++;
                assertEquals(0, received.get(i), "item " + i + " of a cancelled put was received");
            } else {
                assertTrue(p.isDone() && !p.isCompletedExceptionally(), "put " + i + ": " + p);
                assertEquals(1, received.get(i), "item " + i + " received " + received.get(i) + " times");
            }
        }
        assertTrue(cancelledPuts >= forced, "the cancelled puts made before the storm are counted: " + cancelledPuts);
        assertEquals(0, q.core.waiterCount());
    }

    /** Puts [from, to) one after another (each on the loop's next step), whatever happens to each put. */
    private static CompletableFuture<Void> produce(AsyncQueue<Integer> q, AtomicReferenceArray<CompletableFuture<Void>> puts,
            int from, int to, StressSupport.Cancellers cancellers) {
        if (from == to) return CompletableFuture.completedFuture(null);
        CompletableFuture<Void> f = q.put(from);
        puts.set(from, f);
        if (cancellers != null && !f.isDone()) cancellers.add(f);
        return f.handle((v, e) -> null).thenComposeAsync(v -> produce(q, puts, from + 1, to, cancellers));
    }

    /** Gets until the queue is shut down and empty; a cancelled get is simply replaced by a new one. */
    private static void consume(Loop loop, AsyncQueue<Integer> q, AtomicIntegerArray received, StressSupport.Cancellers cancellers,
            CompletableFuture<Void> done) {
        CompletableFuture<Integer> g = q.get();
        if (!g.isDone()) cancellers.add(g);
        g.whenComplete((x, e) -> {
            if (e == null) {
                received.incrementAndGet(x);
            } else if (e instanceof QueueShutDownException) {
                done.complete(null);
                return;
            } else if (!(e instanceof CancellationException)) {
                done.completeExceptionally(e);
                return;
            }
            // a cancelled get completes on the cancelling thread: go back to the consumer's loop
            loop.execute(() -> consume(loop, q, received, cancellers, done));
        });
    }

    @Test
    void oneProducerOneConsumerKeepOrderWhateverGetsAreCancelled() throws Exception {
        int items = 20_000 * SCALE;
        AsyncQueue<Integer> q = AsyncQueue.fifo(8);
        ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
        try (Loop consumer = Loop.create("ordered-consumer"); Loop producer = Loop.create("ordered-producer");
                StressSupport.Cancellers cancellers = new StressSupport.Cancellers(2, 0.3)) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            consumer.execute(() -> consumeOrdered(consumer, q, got, cancellers, done));
            AtomicReferenceArray<CompletableFuture<Void>> puts = new AtomicReferenceArray<>(items);
            await(await(producer.task(() -> CompletableFuture.completedFuture(produce(q, puts, 0, items, null)))));
            q.shutdown();
            await(done);
        }
        assertEquals(items, got.size());
        int expected = 0;
        for (int x : got) assertEquals(expected++, x);
    }

    @Test
    void oneConsumerKeepsOrderWithTimedOutGetsAndSizeNeverExceedsMaxsize() throws Exception {
        int items = 10_000 * SCALE;
        int maxsize = 4;
        AsyncQueue<Integer> q = AsyncQueue.fifo(maxsize);
        ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger maxSeen = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                int n = q.size();
                maxSeen.accumulateAndGet(n, Math::max);
                samples.incrementAndGet();
            }
        }, "size-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try (Loop consumer = Loop.create("timed-consumer"); Loop producer = Loop.create("timed-producer");
                StressSupport.Cancellers cancellers = new StressSupport.Cancellers(1, 0.3)) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            consumer.execute(() -> consumeTimed(consumer, q, got, cancellers, done, 0));
            AtomicReferenceArray<CompletableFuture<Void>> puts = new AtomicReferenceArray<>(items);
            await(await(producer.task(() -> CompletableFuture.completedFuture(produce(q, puts, 0, items, null)))));
            q.shutdown();
            await(done);
        } finally {
            sampling.set(false);
            sampler.join(10_000);
        }
        assertTrue(samples.get() > 0);
        assertTrue(maxSeen.get() <= maxsize, "size() exceeded maxsize: " + maxSeen.get());
        assertEquals(items, got.size());
        int expected = 0;
        for (int x : got) assertEquals(expected++, x);
    }

    /** Gets under a deadline (a zero or tiny one every other round, so that many time out), or cancelled from another thread. */
    private static void consumeTimed(Loop loop, AsyncQueue<Integer> q, ConcurrentLinkedQueue<Integer> got,
            StressSupport.Cancellers cancellers, CompletableFuture<Void> done, int round) {
        CompletableFuture<Integer> g = q.get();
        CompletionStage<Integer> r;
        if (round % 2 == 0) {
            r = Async.waitFor(g, Duration.ofNanos(round % 4 == 0 ? 0 : 20_000));
        } else {
            if (!g.isDone()) cancellers.add(g);
            r = g;
        }
        r.whenComplete((x, e) -> {
            if (e == null) got.add(x);
            else if (unwrap(e) instanceof QueueShutDownException) {
                done.complete(null);
                return;
            }
            loop.execute(() -> consumeTimed(loop, q, got, cancellers, done, round + 1));
        });
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static void consumeOrdered(Loop loop, AsyncQueue<Integer> q, ConcurrentLinkedQueue<Integer> got,
            StressSupport.Cancellers cancellers, CompletableFuture<Void> done) {
        CompletableFuture<Integer> g = q.get();
        if (!g.isDone()) cancellers.add(g);
        g.whenComplete((x, e) -> {
            if (e == null) got.add(x);
            else if (e instanceof QueueShutDownException) {
                done.complete(null);
                return;
            }
            loop.execute(() -> consumeOrdered(loop, q, got, cancellers, done));
        });
    }

}

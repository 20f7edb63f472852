package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.BufferOverflowException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules of the stream contract (streams.md) that a user relies on and that no other test
 * pinned: the overflow strategies on an operator chain, {@code conflate}, the waiting
 * {@link Sink#emit} and {@link Sink#fail}, {@code onCancel} on the failure path, {@code fromQueue}
 * and {@code chunked} under cancellation, {@code use} closing on a failure or a cancel, and the
 * iterator's FIFO demand and lazy start. Ordering comes from the futures, gates and steps, never
 * from sleeps.
 */
@Timeout(20)
class StreamContractTest {

    // ------------------------------------------------------------------ overflow on an operator chain

    /** Where the buffer goes: fused into the generator, or after a stage that is not a producer (a pump). */
    private static final List<Function<AsyncStream<Integer>, AsyncStream<Integer>>> SHAPES = List.of(s -> s, s -> s.map(x -> x));

    private static final List<String> SHAPE_NAMES = List.of("generate.buffer", "generate.map.buffer");

    /** A generator that emits 0..n-1 as fast as it is let, then completes {@code done}, whatever its outcome. */
    private static AsyncStream<Integer> fastGenerator(int n, CompletableFuture<Void> done) {
        return AsyncStream.generate((Emitter<Integer> out) -> AsyncStreamTest.emitFrom(out, 0, n).whenComplete((v, e) -> done.complete(null)));
    }

    /**
     * A slow consumer: it takes the first item, then asks for the next only once the producer is
     * done. (A buffer that made the producer wait instead of dropping would never let it finish:
     * the bound turns that deadlock into a failure, it orders nothing.)
     */
    private static Task<Void> consumeSlowly(AsyncStream<Integer> s, List<Integer> seen, CompletableFuture<Void> producerDone) {
        return s.forEachAsync(x -> {
            seen.add(x);
            return seen.size() == 1 ? Async.waitFor(producerDone, Duration.ofSeconds(Support.WAIT_SECONDS)) : Support.done(null);
        });
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    /** What a slow consumer saw, what was discarded and how the run ended, with {@code policy} after shape {@code i}. */
    private record OverflowRun(String shape, List<Integer> seen, List<Integer> discarded, Throwable failure) {}

    private static OverflowRun overflowRun(int i, UnaryOperator<AsyncStream<Integer>> policy) {
        CompletableFuture<Void> producerDone = new CompletableFuture<>();
        List<Integer> seen = new ArrayList<>();
        List<Integer> discarded = new ArrayList<>();
        AsyncStream<Integer> s = policy.apply(SHAPES.get(i).apply(fastGenerator(10, producerDone))).onDiscard(discarded::add);
        Throwable failure = null;
        try {
            Loop.run(() -> consumeSlowly(s, seen, producerDone));
        } catch (Throwable t) {
            failure = t;
        }
        return new OverflowRun(SHAPE_NAMES.get(i), seen, discarded, failure);
    }

    @Test
    void bufferDropLatestKeepsTheBufferedItemsAndDiscardsEachNewerOneOnce() {
        for (int i = 0; i < SHAPES.size(); i++) {
            OverflowRun r = overflowRun(i, s -> s.buffer(2, Overflow.DROP_LATEST));
            assertNull(r.failure(), r.shape() + ": failed");
            // 0 went to the waiting consumer, 1 and 2 filled the buffer, every later item found it full
            assertEquals(List.of(0, 1, 2), r.seen(), r.shape() + ": delivered");
            assertEquals(range(3, 10), r.discarded(), r.shape() + ": discarded, each once");
        }
    }

    @Test
    void bufferDropOldestKeepsTheNewestItemsAndDiscardsEachOlderOneOnce() {
        for (int i = 0; i < SHAPES.size(); i++) {
            OverflowRun r = overflowRun(i, s -> s.buffer(2, Overflow.DROP_OLDEST));
            assertNull(r.failure(), r.shape() + ": failed");
            assertEquals(List.of(0, 8, 9), r.seen(), r.shape() + ": delivered");
            assertEquals(range(1, 8), r.discarded(), r.shape() + ": discarded, each once");
        }
    }

    @Test
    void bufferFailEndsTheStreamWithBufferOverflowAfterTheBufferedItems() {
        for (int i = 0; i < SHAPES.size(); i++) {
            OverflowRun r = overflowRun(i, s -> s.buffer(2, Overflow.FAIL));
            assertInstanceOf(BufferOverflowException.class, r.failure(), r.shape());
            assertEquals(List.of(0, 1, 2), r.seen(), r.shape() + ": the buffered items come before the failure");
            assertEquals(List.of(3), r.discarded(), r.shape() + ": the item that overflowed, once; the producer emitted no more");
        }
    }

    @Test
    void conflateShowsASlowConsumerTheLatestItemAndDiscardsTheSkippedOnes() {
        for (int i = 0; i < SHAPES.size(); i++) {
            OverflowRun r = overflowRun(i, AsyncStream::conflate);
            assertNull(r.failure(), r.shape() + ": failed");
            assertEquals(List.of(0, 9), r.seen(), r.shape() + ": the first item, then the latest");
            assertEquals(range(1, 9), r.discarded(), r.shape() + ": superseded items, each once");
        }
    }

    // ------------------------------------------------------------------ push: Sink.emit, Sink.fail, onCancel

    @Test
    void sinkEmitWaitsForRoomAndFailsWhenTheConsumerLeavesItsItemDiscarded() throws Exception {
        List<Integer> discarded = new CopyOnWriteArrayList<>();
        CompletableFuture<Sink<Integer>> registered = new CompletableFuture<>();
        AsyncStream<Integer> s = AsyncStream.push(1, Overflow.SUSPEND, (Sink<Integer> sink) -> {
            sink.onCancel(() -> {});
            registered.complete(sink);
        }).onDiscard(discarded::add);
        Loop.run(() -> {
            AsyncIterator<Integer> it = s.iterator();
            CompletableFuture<Integer> a = it.next(); // starts the run: register is called
            List<CompletableFuture<Void>> emits = new ArrayList<>();
            return registered.thenCompose(sink -> Async.sleep(Duration.ZERO, sink)).thenCompose(sink -> {
                emits.add(sink.emit(1)); // a next() waits: handed over
                return a.thenCombine(emits.get(0), (x, v) -> x);
            }).thenCompose(x -> {
                assertEquals(1, x);
                Sink<Integer> sink = registered.join();
                emits.add(sink.emit(2)); // no next() waits: into the free buffer slot
                emits.add(sink.emit(3)); // the buffer is full: waits
                return yieldTimes(5);
            }).thenCompose(v -> {
                assertTrue(emits.get(1).isDone() && !emits.get(1).isCompletedExceptionally(), "emit(2) found room");
                assertFalse(emits.get(2).isDone(), "emit(3) waits while the buffer is full");
                return it.next(); // takes 2: 3 moves into the buffer
            }).thenCompose(x -> {
                assertEquals(2, x);
                return emits.get(2);
            }).thenCompose(v -> {
                emits.add(registered.join().emit(4)); // the buffer holds 3: waits
                return yieldTimes(5);
            }).thenCompose(v -> {
                assertFalse(emits.get(3).isDone(), "emit(4) waits while the buffer is full");
                return it.close();
            }).thenApply(v -> {
                Support.assertFailsWith(CancellationException.class, emits.get(3));
                return null;
            });
        });
        assertEquals(List.of(3, 4), discarded.stream().sorted().toList(), "the buffered item and the waiting emit's item, each once");
    }

    @Test
    void sinkFailFromAnotherThreadFailsTheStreamAfterItsItemsAndUnregistersOnceOnTheLoop() {
        IOException boom = new IOException("sensor lost");
        List<Thread> unregisteredOn = new CopyOnWriteArrayList<>();
        List<Integer> seen = new ArrayList<>();
        Thread[] loopThread = new Thread[1];
        int[] unregisteredWhenTheTerminalEnded = {-1};
        AsyncStream<Integer> s = AsyncStream.push(4, Overflow.SUSPEND, (Sink<Integer> sink) -> {
            sink.onCancel(() -> unregisteredOn.add(Thread.currentThread()));
            new Thread(() -> {
                sink.tryEmit(1);
                sink.tryEmit(2);
                sink.fail(boom);
            }, "callback-thread").start();
        });
        IOException e = assertThrows(IOException.class, () -> Loop.run(() -> {
            loopThread[0] = Thread.currentThread();
            return s.forEach(seen::add).whenComplete((v, err) -> unregisteredWhenTheTerminalEnded[0] = unregisteredOn.size());
        }));
        assertSame(boom, e);
        assertEquals(List.of(1, 2), seen, "the items emitted before the failure come first");
        assertEquals(List.of(loopThread[0]), unregisteredOn, "onCancel ran once, on the loop's thread");
        assertEquals(1, unregisteredWhenTheTerminalEnded[0], "onCancel ran before the terminal task completed");
    }

    @Test
    void pushOnCancelRunsOnceOnTheLoopWhenAStageBelowFails() {
        List<Thread> unregisteredOn = new CopyOnWriteArrayList<>();
        Thread[] loopThread = new Thread[1];
        int[] unregisteredWhenTheTerminalEnded = {-1};
        AsyncStream<Integer> s = AsyncStream.push(4, Overflow.SUSPEND, (Sink<Integer> sink) -> {
            sink.onCancel(() -> unregisteredOn.add(Thread.currentThread()));
            sink.tryEmit(1);
            sink.tryEmit(2);
        });
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> Loop.run(() -> {
            loopThread[0] = Thread.currentThread();
            return s.map(x -> x / (x - 2)).toList().whenComplete((v, err) -> unregisteredWhenTheTerminalEnded[0] = unregisteredOn.size());
        }));
        assertTrue(e.getMessage().contains("by zero"), e.getMessage());
        assertEquals(List.of(loopThread[0]), unregisteredOn, "onCancel ran once, on the loop's thread");
        assertEquals(1, unregisteredWhenTheTerminalEnded[0], "onCancel ran before the terminal task completed");
    }

    // ------------------------------------------------------------------ fromQueue, chunked under cancellation

    @Test
    void fromQueueCancelledWhileWaitingLeavesTheNextItemInTheQueue() throws Exception {
        AsyncQueue<Integer> q = AsyncQueue.fifo(0);
        Integer next = Loop.run(() -> {
            AsyncIterator<Integer> it = AsyncStream.fromQueue(q).iterator();
            CompletableFuture<Integer> pending = it.next();
            return yieldUntil(() -> q.toString().contains("getters=1")).thenCompose(v -> it.close()).thenCompose(v -> {
                Support.assertFailsWith(CancellationException.class, pending);
                assertTrue(q.toString().contains("getters=0"), "the stream's get was withdrawn: " + q);
                q.putNowait(7);
                assertEquals(1, q.size(), "no withdrawn get took the item");
                return q.get();
            });
        });
        assertEquals(7, next);
    }

    @Test
    void chunkedPassesItsPartialChunkToOnDiscardWhenTheRunIsCancelled() throws Exception {
        List<List<Integer>> discarded = new ArrayList<>();
        List<List<Integer>> seen = new ArrayList<>();
        CompletableFuture<Void> twoTaken = new CompletableFuture<>();
        AsyncStream<Integer> s = AsyncStream.generate((Emitter<Integer> out) -> out.emit(1).thenCompose(v -> out.emit(2)).thenCompose(v -> {
            twoTaken.complete(null); // emit(2) completes when the consumer asks again: chunked holds [1, 2]
            return Async.sleep(Support.FOREVER);
        }));
        Loop.run(() -> {
            Task<Void> t = s.chunked(3).onDiscard(discarded::add).forEach(seen::add);
            return twoTaken.thenCompose(v -> {
                t.cancel(true);
                return t.handle((r, e) -> e instanceof CancellationException);
            });
        });
        assertEquals(List.of(), seen);
        assertEquals(List.of(List.of(1, 2)), discarded, "the partial chunk, once");
    }

    // ------------------------------------------------------------------ use

    @Test
    void useClosesTheIteratorWhenTheBodyFailsAndFailsAfterTheProducersFinally() {
        Steps steps = new Steps();
        List<Throwable> producerEnd = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("body failed");
        AsyncStream<Integer> s = AsyncStream.generate((Emitter<Integer> out) -> AsyncStreamTest.emitFrom(out, 0, 100)
                .whenComplete((v, e) -> {
                    producerEnd.add(Support.unwrap(e));
                    steps.expect(1);
                }));
        List<AsyncIterator<Integer>> given = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Loop.run(() -> s.use(it -> {
            given.add(it);
            return it.next().thenCompose(x -> CompletableFuture.<Integer>failedFuture(boom));
        }).whenComplete((v, err) -> steps.expect(2))));
        assertSame(boom, e);
        assertTrue(given.get(0).isClosed());
        steps.finish(3);
        assertEquals(1, producerEnd.size());
        assertTrue(producerEnd.get(0) instanceof CancellationException, "the producer was cancelled: " + producerEnd);
    }

    @Test
    void useClosesTheIteratorWhenTheUseTaskIsCancelledAndTheProducersFinallyRuns() throws Exception {
        List<String> log = new ArrayList<>();
        List<AsyncIterator<Integer>> given = new ArrayList<>();
        CompletableFuture<Void> bodyWaiting = new CompletableFuture<>();
        AsyncStream<Integer> s = AsyncStream.generate((Emitter<Integer> out) -> out.emit(0).thenCompose(v -> Async.sleep(Support.FOREVER))
                .whenComplete((v, e) -> log.add("finally " + (Support.unwrap(e) instanceof CancellationException))));
        CompletableFuture<Integer> secondNext = new CompletableFuture<>();
        boolean cancelled = Loop.run(() -> {
            Task<Integer> t = s.use(it -> {
                given.add(it);
                return it.next().thenCompose(x -> {
                    CompletableFuture<Integer> n = it.next(); // waits: the producer sleeps
                    n.whenComplete((y, err) -> {
                        if (err != null) secondNext.completeExceptionally(err);
                        else secondNext.complete(y);
                    });
                    bodyWaiting.complete(null);
                    return n;
                });
            });
            return bodyWaiting.thenCompose(v -> {
                assertTrue(t.cancel(true));
                return t.handle((r, e) -> t.isCancelled());
            });
        });
        assertTrue(cancelled);
        assertTrue(given.get(0).isClosed(), "cancelling use closed its iterator");
        Support.assertFailsWith(CancellationException.class, secondNext);
        assertEquals(List.of("finally true"), log, "the producer's finally ran, before Loop.run returned");
    }

    // ------------------------------------------------------------------ iterator

    @Test
    void severalPendingNextCallsAreServedInOrderOneItemEach() throws Exception {
        AsyncEvent go = new AsyncEvent();
        AsyncStream<Integer> s = AsyncStream.generate((Emitter<Integer> out) -> go.await().thenCompose(v -> AsyncStreamTest.emitFrom(out, 10, 15)));
        List<String> completed = new CopyOnWriteArrayList<>();
        List<Integer> got = Loop.run(() -> {
            AsyncIterator<Integer> it = s.iterator();
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                CompletableFuture<Integer> f = it.next();
                int k = i;
                f.thenRun(() -> completed.add("next " + k));
                calls.add(f);
            }
            go.set(); // every call is waiting before the first item exists
            return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .thenCompose(v -> it.close())
                    .thenApply(v -> calls.stream().map(CompletableFuture::join).toList());
        });
        assertEquals(List.of(10, 11, 12, 13), got, "the first call got the first item, and so on");
        assertEquals(List.of("next 0", "next 1", "next 2", "next 3"), completed);
    }

    @Test
    void iteratorStartsItsProducerAtTheFirstNextNotBefore() throws Exception {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger registered = new AtomicInteger();
        AsyncStream<Integer> gen = AsyncStream.generate((Emitter<Integer> out) -> {
            started.incrementAndGet();
            return out.emit(1);
        });
        AsyncStream<Integer> push = AsyncStream.push(1, Overflow.SUSPEND, (Sink<Integer> sink) -> {
            registered.incrementAndGet();
            sink.onCancel(() -> {});
            sink.tryEmit(2);
            sink.complete();
        });
        List<Integer> got = Loop.run(() -> {
            AsyncIterator<Integer> a = gen.iterator();
            AsyncIterator<Integer> b = push.iterator();
            return yieldTimes(10).thenCompose(v -> {
                assertEquals(0, started.get(), "the generator's body ran before the first next()");
                assertEquals(0, registered.get(), "push's register ran before the first next()");
                return a.next().thenCombine(b.next(), List::of);
            }).thenCompose(items -> {
                assertEquals(1, started.get());
                assertEquals(1, registered.get());
                return a.close().thenCompose(v -> b.close()).thenApply(v -> items);
            });
        });
        assertEquals(List.of(1, 2), got);
    }

    // ------------------------------------------------------------------ helpers

    private static CompletionStage<Void> yieldTimes(int n) {
        CompletionStage<Void> s = CompletableFuture.completedFuture(null);
        for (int i = 0; i < n; i++) s = s.thenCompose(v -> Async.sleep(Duration.ZERO));
        return s;
    }

    /** Yields to the loop until {@code condition} holds; fails after 10,000 turns (a bound on the loop's work, not on time). */
    private static CompletionStage<Void> yieldUntil(BooleanSupplier condition) {
        int[] turns = {0};
        return Async.repeatWhile(() -> {
            if (condition.getAsBoolean()) return Support.done(false);
            if (++turns[0] > 10_000) fail("the condition did not hold within 10,000 loop turns");
            return Async.sleep(Duration.ZERO, true);
        });
    }
}

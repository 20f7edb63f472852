package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** AsyncStream's behaviour, as users write it: sources, terminals, iterators. */
@Timeout(20)
class AsyncStreamTest {

    /** A generator emitting from..to-1, each emit chained on the previous one. */
    static AsyncGenerator<Integer> range(int from, int to) {
        return out -> emitFrom(out, from, to);
    }

    static CompletionStage<Void> emitFrom(Emitter<Integer> out, int i, int to) {
        if (i >= to) return CompletableFuture.completedFuture(null);
        return out.emit(i).thenCompose(v -> emitFrom(out, i + 1, to));
    }

    @Test
    void ofAndFromIterableRunOncePerTerminal() throws Exception {
        AsyncStream<Integer> s = AsyncStream.of(1, 2, 3);
        assertEquals(List.of(1, 2, 3), Loop.run(s::toList));
        assertEquals(List.of(1, 2, 3), Loop.run(s::toList));
        assertEquals(6, Loop.run(() -> s.reduce(0, Integer::sum)));
        assertEquals(3L, Loop.run(s::count));
        assertEquals(Optional.of(1), Loop.run(s::first));
        assertEquals(Optional.empty(), Loop.run(() -> AsyncStream.<Integer>empty().first()));
        assertEquals(List.of("a", "b"), Loop.run(() -> AsyncStream.fromIterable(List.of("a", "b")).toList()));
    }

    @Test
    void argumentsAreCheckedAtTheCall() {
        assertThrows(NullPointerException.class, () -> AsyncStream.of(1, null));
        assertThrows(IllegalArgumentException.class, () -> AsyncStream.of(1).take(-1));
        assertThrows(IllegalArgumentException.class, () -> AsyncStream.of(1).buffer(-1));
        assertThrows(IllegalArgumentException.class, () -> AsyncStream.of(1).buffer(0, Overflow.DROP_OLDEST));
        assertThrows(IllegalArgumentException.class, () -> AsyncStream.of(1).mapAsync(0, Support::done));
        assertThrows(IllegalArgumentException.class, () -> AsyncStream.of(1).chunked(0));
        assertThrows(IllegalArgumentException.class, () -> AsyncStream.interval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> AsyncStream.of(1).timeout(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> AsyncStream.of(1).map(null));
    }

    @Test
    void generatorItemsArriveInOrder() throws Exception {
        assertEquals(List.of(0, 1, 2, 3, 4), Loop.run(() -> AsyncStream.generate(range(0, 5)).toList()));
    }

    @Test
    void generatorFailureFailsTheTerminal() {
        IllegalStateException boom = new IllegalStateException("boom");
        AsyncStream<Integer> s = AsyncStream.generate(out -> out.emit(1).thenCompose(v -> CompletableFuture.failedFuture(boom)));
        List<Integer> seen = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Loop.run(() -> s.forEach(seen::add)));
        assertEquals(boom, e);
        assertEquals(List.of(1), seen);
    }

    @Test
    void emitWhileThePreviousIsPendingThrowsAndTheRunGoesOn() throws Exception {
        AtomicInteger refused = new AtomicInteger();
        AsyncStream<Integer> s = AsyncStream.generate(out -> {
            CompletableFuture<Void> first = out.emit(1);
            try {
                out.emit(2);
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage().startsWith("emit while the previous emit is not accepted"));
                refused.incrementAndGet();
            }
            return first.thenCompose(v -> out.emit(3));
        });
        assertEquals(List.of(1, 3), Loop.run(s::toList));
        assertEquals(1, refused.get());
    }

    @Test
    void operatorsCompose() throws Exception {
        AsyncStream<Integer> s = AsyncStream.generate(range(0, 10));
        assertEquals(List.of(0, 4, 8), Loop.run(() -> s.map(x -> x * 2).filter(x -> x % 4 == 0).take(3).toList()));
        assertEquals(List.of(0, 1, 2), Loop.run(() -> s.takeWhile(x -> x < 3).toList()));
        assertEquals(List.of(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(8, 9)), Loop.run(() -> s.chunked(4).toList()));
        assertEquals(List.of(0, 2, 4), Loop.run(() -> s.take(3).transform((Integer v, Emitter<Integer> out) -> out.emit(v * 2)).toList()));
        assertEquals(List.of(0, 0, 1, 1), Loop.run(() -> s.take(2).transform((Integer v, Emitter<Integer> out) -> out.emit(v).thenCompose(x -> out.emit(v))).toList()));
        assertEquals(List.of(0, 1, 2, 3), Loop.run(() -> s.buffer(2).take(4).toList()));
        assertEquals(List.of(0, 1, 2, 3), Loop.run(() -> s.map(x -> x).buffer(2).take(4).toList()));
    }

    @Test
    void takeZeroNeverStartsTheUpstream() throws Exception {
        AtomicInteger started = new AtomicInteger();
        AsyncStream<Integer> s = AsyncStream.generate(out -> {
            started.incrementAndGet();
            return out.emit(1);
        });
        assertEquals(List.of(), Loop.run(() -> s.take(0).toList()));
        assertEquals(0, started.get());
    }

    @Test
    void forEachAsyncAwaitsEachStage() throws Exception {
        List<String> log = new ArrayList<>();
        Loop.run(() -> AsyncStream.of(1, 2, 3).forEachAsync(x -> Async.sleep(Duration.ofMillis(1)).thenRun(() -> log.add("done " + x))));
        assertEquals(List.of("done 1", "done 2", "done 3"), log);
    }

    @Test
    void iteratorNextReturnsNullAtTheEnd() throws Exception {
        List<Integer> got = Loop.run(() -> {
            AsyncIterator<Integer> it = AsyncStream.generate(range(0, 3)).iterator();
            List<Integer> items = new ArrayList<>();
            return it.next().thenCompose(a -> {
                items.add(a);
                return it.next();
            }).thenCompose(b -> {
                items.add(b);
                return it.next();
            }).thenCompose(c -> {
                items.add(c);
                return it.next();
            }).thenCompose(end -> {
                assertNull(end);
                return it.close();
            }).thenApply(v -> items);
        });
        assertEquals(List.of(0, 1, 2), got);
    }

    @Test
    void useClosesTheIteratorAfterTheBody() throws Exception {
        List<String> log = new ArrayList<>();
        AsyncStream<Integer> s = AsyncStream.generate(out -> emitFrom(out, 0, 100).whenComplete((v, e) -> log.add("finally " + (e != null))));
        Integer first = Loop.run(() -> s.use(it -> it.next()));
        assertEquals(0, first);
        assertEquals(List.of("finally true"), log);
    }

    @Test
    void nextAfterCloseFailsWithIllegalState() throws Exception {
        Loop.run(() -> {
            AsyncIterator<Integer> it = AsyncStream.of(1).iterator();
            return it.close().thenApply(v -> {
                assertTrue(it.isClosed());
                IllegalStateException e = Support.assertFailsWith(IllegalStateException.class, it.next());
                assertEquals("iterator is closed", e.getMessage());
                return null;
            });
        });
    }

    @Test
    void pushWithoutOnCancelFailsTheRun() {
        AsyncStream<Integer> s = AsyncStream.push(4, Overflow.SUSPEND, sink -> sink.tryEmit(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Loop.run(s::toList));
        assertTrue(e.getMessage().contains("onCancel"), e.getMessage());
    }

    @Test
    void pushDeliversAndUnregistersOnce() throws Exception {
        AtomicInteger unregistered = new AtomicInteger();
        AsyncStream<Integer> s = AsyncStream.push(4, Overflow.SUSPEND, sink -> {
            sink.onCancel(unregistered::incrementAndGet);
            assertEquals(EmitResult.OK, sink.tryEmit(1));
            assertEquals(EmitResult.OK, sink.tryEmit(2));
            sink.complete();
            assertEquals(EmitResult.CLOSED, sink.tryEmit(3));
        });
        assertEquals(List.of(1, 2), Loop.run(s::toList));
        assertEquals(1, unregistered.get());
    }

    @Test
    void fromQueueEndsWhenTheQueueIsShutDown() throws Exception {
        List<Integer> got = Loop.run(() -> {
            AsyncQueue<Integer> q = AsyncQueue.fifo(0);
            q.putNowait(1);
            q.putNowait(2);
            Task<List<Integer>> t = AsyncStream.fromQueue(q).toList();
            return Async.sleep(Duration.ZERO).thenCompose(v -> {
                q.putNowait(3);
                q.shutdown(false);
                return t;
            });
        });
        assertEquals(List.of(1, 2, 3), got);
    }

    @Test
    void recoverContinuesWithTheFallback() throws Exception {
        AsyncStream<Integer> s = AsyncStream.generate(out -> out.emit(1).thenCompose(v -> CompletableFuture.failedFuture(new IllegalStateException("x"))));
        assertEquals(List.of(1, 99), Loop.run(() -> s.<Integer>recover(e -> AsyncStream.of(99)).toList()));
    }

    @Test
    void cancellingTheTerminalCancelsTheProducer() throws Exception {
        List<String> log = new ArrayList<>();
        CompletableFuture<Void> producing = new CompletableFuture<>();
        boolean cancelled = Loop.run(() -> {
            Task<Void> t = AsyncStream.generate(out -> {
                        producing.complete(null);
                        return Async.sleep(Support.FOREVER).whenComplete((v, e) -> log.add("cleanup " + (e instanceof CancellationException)));
                    })
                    .forEach(x -> {});
            return producing.thenCompose(v -> {
                t.cancel(true);
                return t.handle((r, e) -> e instanceof CancellationException);
            });
        });
        assertTrue(cancelled);
        assertEquals(List.of("cleanup true"), log);
    }

    @Test
    void mapFailureFailsTheStream() {
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> Loop.run(() -> AsyncStream.of(1, 0).map(x -> 1 / x).toList()));
        assertFalse(e.getMessage().isEmpty());
    }

    @Test
    void toStringDescribesThePipeline() {
        assertEquals("AsyncStream[of(2).map.filter]", AsyncStream.of(1, 2).map(x -> x).filter(x -> true).toString());
        assertInstanceOf(AsyncStream.class, AsyncStream.of(1).conflate());
    }
    // ------------------------------------------------------------------ hardest edge cases

    @Test
    void closeWithPendingNextCallsCancelsThemAndCompletesAfterTheProducersFinally() throws Exception {
        Steps steps = new Steps();
        Loop.run(() -> {
            AsyncIterator<Integer> it = AsyncStream.<Integer>generate(out -> Async.sleep(Support.FOREVER)
                    .whenComplete((v, e) -> steps.expect(1))).iterator();
            CompletableFuture<Integer> a = it.next();
            CompletableFuture<Integer> b = it.next();
            CompletableFuture<Integer> c = it.next();
            return yieldTimes(5).thenCompose(v -> {
                CompletableFuture<Void> c1 = it.close();
                CompletableFuture<Void> c2 = it.close();
                assertSame(c1, c2);
                return c1.thenRun(() -> {
                    steps.expect(2);
                    for (CompletableFuture<Integer> f : List.of(a, b, c)) Support.assertFailsWith(CancellationException.class, f);
                });
            });
        });
        steps.finish(3);
    }

    @Test
    void concurrentClosesFromOtherThreadsAllCompleteAfterTheFinally() throws Exception {
        Steps steps = new Steps();
        AsyncIterator<Integer> it = AsyncStream.<Integer>generate(out -> out.emit(1).thenCompose(v -> Async.sleep(Support.FOREVER))
                .whenComplete((v, e) -> steps.expect(2))).iterator();
        CompletableFuture<Integer> first = it.next();
        assertEquals(1, first.get());
        steps.expect(1);
        CompletableFuture<Integer> pending = it.next();
        List<CompletableFuture<Void>> closes = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) threads.add(new Thread(() -> closes.add(it.close())));
        threads.forEach(Thread::start);
        for (Thread t : threads) t.join();
        for (CompletableFuture<Void> f : closes) f.get();
        steps.finish(3);
        Support.assertFailsWith(CancellationException.class, pending);
        Support.assertFailsWith(IllegalStateException.class, it.next());
    }

    @Test
    void aFailureComesAfterTheBufferedItems() {
        IllegalStateException boom = new IllegalStateException("boom");
        CompletableFuture<Void> generatorFailed = new CompletableFuture<>();
        AsyncStream<Integer> s = AsyncStream.<Integer>generate(out -> out.emit(1).thenCompose(v -> out.emit(2)).thenCompose(v -> out.emit(3))
                .thenCompose(v -> CompletableFuture.<Void>failedFuture(boom))
                .whenComplete((v, e) -> generatorFailed.complete(null))).buffer(10);
        List<Integer> seen = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Loop.run(() -> s.forEachAsync(x -> {
            seen.add(x);
            return x == 1 ? generatorFailed : CompletableFuture.completedFuture(null);
        })));
        assertSame(boom, e);
        assertEquals(List.of(1, 2, 3), seen);
    }

    @Test
    void cancellingDiscardsTheBufferedItemsInsteadOfDeliveringThem() throws Exception {
        List<Integer> discarded = new ArrayList<>();
        CompletableFuture<Void> allEmitted = new CompletableFuture<>();
        AsyncStream<Integer> s = AsyncStream.<Integer>generate(out -> out.emit(1).thenCompose(v -> out.emit(2)).thenCompose(v -> out.emit(3))
                .thenCompose(v -> {
                    allEmitted.complete(null);
                    return Async.sleep(Support.FOREVER);
                })).buffer(10).onDiscard(discarded::add);
        Integer first = Loop.run(() -> {
            AsyncIterator<Integer> it = s.iterator();
            return it.next().thenCompose(x -> allEmitted.thenCompose(v -> it.close()).thenApply(v -> x));
        });
        assertEquals(1, first);
        assertEquals(List.of(2, 3), discarded);
    }

    @Test
    void readAheadIsExactlyTheBufferPlusTheOneInEmit() throws Exception {
        for (int n : new int[] {0, 1, 4}) {
            AtomicInteger consumed = new AtomicInteger();
            AtomicInteger maxAhead = new AtomicInteger();
            AsyncStream<Integer> gen = AsyncStream.generate((Emitter<Integer> out) -> countingEmits(out, 0, consumed, maxAhead));
            AsyncStream<Integer> s = n == 0 ? gen : gen.buffer(n);
            for (AsyncStream<Integer> shape : List.of(s, n == 0 ? gen.map(x -> x) : gen.map(x -> x).buffer(n))) {
                consumed.set(0);
                maxAhead.set(0);
                Loop.run(() -> shape.take(30).forEachAsync(x -> {
                    consumed.incrementAndGet();
                    return yieldTimes(3);
                }));
                if (shape == s) {
                    assertEquals(n + 1, maxAhead.get(), shape + ": emit calls beyond the items consumed");
                } else {
                    // a buffer over another stage pumps only into free room: the generator behind the map stays at its yield
                    assertTrue(maxAhead.get() <= n + 1 && maxAhead.get() >= Math.max(1, n), shape + ": emit calls beyond the items consumed: " + maxAhead.get());
                }
            }
        }
    }

    /** Emits i, i+1, ... recording at each emit call how far the producer is ahead of the consumer. */
    private static CompletionStage<Void> countingEmits(Emitter<Integer> out, int i, AtomicInteger consumed, AtomicInteger maxAhead) {
        maxAhead.accumulateAndGet(i + 1 - consumed.get(), Math::max);
        return out.emit(i).thenCompose(v -> countingEmits(out, i + 1, consumed, maxAhead));
    }

    @Test
    void mapAsyncWithASlowHeadStartsNoMoreThanConcurrencyCalls() throws Exception {
        List<CompletableFuture<Integer>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        Loop.run(() -> {
            AsyncIterator<Integer> it = AsyncStream.fromIterable(List.of(0, 1, 2, 3, 4, 5)).mapAsync(3, x -> {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                calls.add(f);
                return f;
            }).iterator();
            CompletableFuture<Integer> head = it.next();
            return yieldTimes(5).thenCompose(v -> {
                assertEquals(3, calls.size(), "a slow head holds back new calls");
                calls.get(1).complete(10);
                calls.get(2).complete(20);
                return yieldTimes(5);
            }).thenCompose(v -> {
                assertEquals(3, calls.size(), "ready results behind a slow head still count");
                assertFalse(head.isDone());
                calls.get(0).complete(0);
                return head;
            }).thenCompose(x -> {
                assertEquals(0, x);
                return it.next();
            }).thenCompose(x -> {
                assertEquals(10, x);
                return yieldTimes(5);
            }).thenCompose(v -> {
                assertEquals(5, calls.size());
                return it.close();
            });
        });
    }

    @Test
    void mapAsyncFailsAtOnceDiscardingReadyResultsAndCancellingTheRest() throws Exception {
        List<CompletableFuture<Integer>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Integer> discarded = new ArrayList<>();
        List<String> cancelled = new ArrayList<>();
        IllegalStateException headFailure = new IllegalStateException("head");
        Throwable e = assertThrows(IllegalStateException.class, () -> Loop.run(() -> {
            Task<List<Integer>> t = AsyncStream.of(0, 1, 2, 3).mapAsync(3, x -> {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                f.whenComplete((v, err) -> {
                    if (err instanceof CancellationException) cancelled.add("call " + x);
                });
                calls.add(f);
                return f;
            }).onDiscard(discarded::add).toList();
            return yieldTimes(5).thenCompose(v -> {
                calls.get(1).complete(10);
                return yieldTimes(3);
            }).thenCompose(v -> {
                calls.get(0).completeExceptionally(headFailure);
                return t;
            });
        }));
        assertSame(headFailure, e);
        assertEquals(List.of(10), discarded);
        assertEquals(List.of("call 2"), cancelled);
    }

    @Test
    void aSecondMapAsyncFailureIsSuppressedNotLost() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalStateException second = new IllegalStateException("second");
        List<CompletableFuture<Integer>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        Throwable e = assertThrows(IllegalStateException.class, () -> Loop.run(() -> {
            Task<List<Integer>> t = AsyncStream.of(0, 1).mapAsync(2, x -> {
                // a call that ignores cancellation, so that it can still fail after the first failure
                CompletableFuture<Integer> f = new CompletableFuture<>() {
                    @Override
                    public boolean cancel(boolean mayInterruptIfRunning) {
                        return false;
                    }
                };
                calls.add(f);
                return f;
            }).toList();
            return yieldTimes(5).thenCompose(v -> {
                calls.get(0).completeExceptionally(first);
                calls.get(1).completeExceptionally(second);
                return t;
            });
        }));
        assertSame(first, e);
        assertEquals(List.of(second), List.of(e.getSuppressed()));
    }

    @Test
    void mapAsyncUnorderedPassesResultsInCompletionOrder() throws Exception {
        List<CompletableFuture<Integer>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Integer> got = Loop.run(() -> {
            Task<List<Integer>> t = AsyncStream.of(0, 1, 2).mapAsyncUnordered(3, x -> {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                calls.add(f);
                return f;
            }).toList();
            return yieldTimes(5).thenCompose(v -> {
                calls.get(2).complete(2);
                return yieldTimes(2);
            }).thenCompose(v -> {
                calls.get(0).complete(0);
                return yieldTimes(2);
            }).thenCompose(v -> {
                calls.get(1).complete(1);
                return t;
            });
        });
        assertEquals(List.of(2, 0, 1), got);
    }

    @Test
    void chunkedPassesThePartialChunkBeforeTheFailure() {
        IllegalStateException boom = new IllegalStateException("boom");
        AsyncStream<Integer> s = AsyncStream.<Integer>generate(out -> out.emit(1).thenCompose(v -> out.emit(2)).thenCompose(v -> out.emit(3))
                .thenCompose(v -> CompletableFuture.<Void>failedFuture(boom)));
        List<List<Integer>> seen = new ArrayList<>();
        assertSame(boom, assertThrows(IllegalStateException.class, () -> Loop.run(() -> s.chunked(2).forEach(seen::add))));
        assertEquals(List.of(List.of(1, 2), List.of(3)), seen);
    }

    @Test
    void takeWhileDiscardsTheItemThatEndedIt() throws Exception {
        List<Integer> discarded = new ArrayList<>();
        assertEquals(List.of(0, 1), Loop.run(() -> AsyncStream.generate(range(0, 10)).takeWhile(x -> x < 2).onDiscard(discarded::add).toList()));
        assertEquals(List.of(2), discarded);
    }

    @Test
    void conflateKeepsTheLatestAndDiscardsTheRest() throws Exception {
        List<Integer> discarded = new ArrayList<>();
        AsyncStream<Integer> s = AsyncStream.push(1, Overflow.DROP_OLDEST, (Sink<Integer> sink) -> {
            sink.onCancel(() -> {});
            for (int i = 0; i < 5; i++) sink.tryEmit(i);
            sink.complete();
        }).onDiscard(discarded::add);
        assertEquals(List.of(4), Loop.run(s::toList));
        assertEquals(List.of(0, 1, 2, 3), discarded);
    }

    @Test
    void pushFailOverflowFailsAfterTheBufferedItems() {
        List<Integer> seen = new ArrayList<>();
        List<EmitResult> results = new ArrayList<>();
        AsyncStream<Integer> s = AsyncStream.push(2, Overflow.FAIL, (Sink<Integer> sink) -> {
            sink.onCancel(() -> {});
            for (int i = 0; i < 4; i++) results.add(sink.tryEmit(i));
        });
        assertThrows(java.nio.BufferOverflowException.class, () -> Loop.run(() -> s.forEach(seen::add)));
        assertEquals(List.of(0, 1), seen);
        assertEquals(List.of(EmitResult.OK, EmitResult.OK, EmitResult.FULL, EmitResult.CLOSED), results);
    }

    @Test
    void aThrowingDiscardConsumerGoesToTheLoopsHandler() throws Exception {
        List<String> reported = new ArrayList<>();
        Loop.run(() -> {
            Loop.current().orElseThrow().setExceptionHandler((msg, err) -> reported.add(err.getMessage()));
            return AsyncStream.generate(range(0, 10)).takeWhile(x -> x < 1).onDiscard(x -> {
                throw new IllegalStateException("bad " + x);
            }).toList();
        });
        assertEquals(List.of("bad 1"), reported);
    }

    private static CompletionStage<Void> yieldTimes(int n) {
        CompletionStage<Void> s = CompletableFuture.completedFuture(null);
        for (int i = 0; i < n; i++) s = s.thenCompose(v -> Async.sleep(Duration.ZERO));
        return s;
    }
}

package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
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
        Loop.run(() -> {
            Task<Void> t = AsyncStream.generate(out -> Async.sleep(Support.FOREVER).whenComplete((v, e) -> log.add("cleanup " + (e instanceof CancellationException))))
                    .forEach(x -> {});
            return Async.sleep(Duration.ofMillis(5)).thenApply(v -> t.cancel(true));
        });
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
}

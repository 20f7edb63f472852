package dev.aio4j.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.AsyncGenerator;
import dev.aio4j.AsyncStream;
import dev.aio4j.Emitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** AsyncStream's timing rules on virtual time: timeout ties, interval, pipelines of sleeping stages. */
class StreamTimingTest {
    private static final Duration MS = Duration.ofMillis(1);
    private static final Duration SEC = Duration.ofSeconds(1);

    /** Emits from..to-1, sleeping {@code pause} before each item. */
    static AsyncGenerator<Integer> slow(int from, int to, Duration pause) {
        return out -> emitSlowly(out, from, to, pause);
    }

    private static CompletionStage<Void> emitSlowly(Emitter<Integer> out, int i, int to, Duration pause) {
        if (i >= to) return CompletableFuture.completedFuture(null);
        return Async.sleep(pause).thenCompose(v -> out.emit(i)).thenCompose(v -> emitSlowly(out, i + 1, to, pause));
    }

    @Test
    void anItemArrivingExactlyAsTheTimeoutFiresWins() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            List<Integer> got = loop.run(() -> AsyncStream.generate(slow(0, 3, MS.multipliedBy(10))).timeout(MS.multipliedBy(10)).toList());
            assertEquals(List.of(0, 1, 2), got);
            assertEquals(MS.multipliedBy(30), loop.now());
        }
    }

    @Test
    void aLateItemTimesOutAndTheUpstreamIsCleanedUpFirst() {
        try (TestLoop loop = TestLoop.create()) {
            List<String> log = new ArrayList<>();
            AsyncStream<Integer> s = AsyncStream.generate((Emitter<Integer> out) -> out.emit(0)
                    .thenCompose(v -> Async.sleep(MS.multipliedBy(11)))
                    .thenCompose(v -> out.emit(1))
                    .whenComplete((v, e) -> log.add("cleanup at " + loop.now().toMillis())));
            List<Integer> seen = new ArrayList<>();
            assertThrows(TimeoutException.class, () -> loop.run(() -> s.timeout(MS.multipliedBy(10)).forEach(seen::add)
                    .whenComplete((v, e) -> log.add("terminal done"))));
            assertEquals(List.of(0), seen);
            assertEquals(List.of("cleanup at 10", "terminal done"), log);
            assertEquals(MS.multipliedBy(10), loop.now());
        }
    }

    @Test
    void aSlowConsumerDoesNotCountAgainstTheTimeout() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            List<Integer> got = new ArrayList<>();
            loop.run(() -> AsyncStream.of(1, 2, 3).timeout(MS).forEachAsync(x -> Async.sleep(SEC).thenRun(() -> got.add(x))));
            assertEquals(List.of(1, 2, 3), got);
            assertEquals(SEC.multipliedBy(3), loop.now());
        }
    }

    @Test
    void aZeroTimeoutFailsUnlessAnItemIsReady() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            assertEquals(List.of(1, 2), loop.run(() -> AsyncStream.of(1, 2).timeout(Duration.ZERO).toList()));
            assertThrows(TimeoutException.class, () -> loop.run(() -> AsyncStream.generate(slow(0, 1, MS)).timeout(Duration.ZERO).toList()));
        }
    }

    @Test
    void aHugeTimeoutNeverFiresEarly() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            assertEquals(List.of(0), loop.run(() -> AsyncStream.generate(slow(0, 1, Duration.ofDays(3650)))
                    .timeout(Duration.ofSeconds(Long.MAX_VALUE)).toList()));
        }
    }

    @Test
    void recoverGivesATimeoutItsFallback() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            List<Integer> got = loop.run(() -> AsyncStream.generate(slow(0, 5, SEC)).timeout(MS.multipliedBy(1500))
                    .<Integer>recover(e -> e instanceof TimeoutException ? AsyncStream.of(-1) : AsyncStream.failed(e)).toList());
            assertEquals(List.of(0, 1, 2, 3, 4), got);
            List<Integer> fb = loop.run(() -> AsyncStream.generate(slow(0, 5, SEC)).timeout(MS.multipliedBy(500))
                    .<Integer>recover(e -> e instanceof TimeoutException ? AsyncStream.of(-1) : AsyncStream.failed(e)).toList());
            assertEquals(List.of(-1), fb);
        }
    }

    @Test
    void intervalEmitsOnePeriodApartStartingOnePeriodIn() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            List<Long> at = new ArrayList<>();
            List<Long> got = loop.run(() -> AsyncStream.interval(MS.multipliedBy(10)).take(3).map(x -> {
                at.add(loop.now().toMillis());
                return x;
            }).toList());
            assertEquals(List.of(0L, 1L, 2L), got);
            assertEquals(List.of(10L, 20L, 30L), at);
            assertEquals(MS.multipliedBy(30), loop.now());
        }
    }

    /** The seed's buffered pipeline: three stages of 1 s each over 10 items. */
    private static AsyncStream<Integer> seedPipeline(boolean buffered) {
        AsyncStream<Integer> s1 = AsyncStream.generate(slow(0, 10, SEC));
        if (buffered) s1 = s1.buffer(1);
        AsyncStream<Integer> s2 = s1.transform((Integer v, Emitter<Integer> out) -> Async.sleep(SEC).thenCompose(x -> out.emit(v * 2)));
        if (buffered) s2 = s2.buffer(1);
        AsyncStream<Integer> s3 = s2.transform((Integer v, Emitter<Integer> out) -> Async.sleep(SEC).thenCompose(x -> out.emit(v + 3)));
        return buffered ? s3.buffer(1) : s3;
    }

    @Test
    void theSeedPipelineOverlapsItsStagesOnlyWithBuffers() throws Exception {
        List<Integer> expected = List.of(3, 5, 7, 9, 11, 13, 15, 17, 19, 21);
        try (TestLoop loop = TestLoop.create()) {
            assertEquals(expected, loop.run(() -> seedPipeline(false).toList()));
            assertEquals(SEC.multipliedBy(30), loop.now());
        }
        try (TestLoop loop = TestLoop.create()) {
            assertEquals(expected, loop.run(() -> seedPipeline(true).toList()));
            assertEquals(SEC.multipliedBy(12), loop.now());
        }
    }

    @Test
    void readAheadUnderSleepsIsExactlyTheBufferPlusOne() throws Exception {
        for (int n : new int[] {0, 1, 3}) {
            try (TestLoop loop = TestLoop.create()) {
                AtomicInteger emits = new AtomicInteger();
                AtomicInteger consumed = new AtomicInteger();
                AtomicInteger maxAhead = new AtomicInteger();
                AsyncStream<Integer> s = AsyncStream.generate((Emitter<Integer> out) -> countEmits(out, 0, 20, emits, consumed, maxAhead));
                AsyncStream<Integer> b = n == 0 ? s : s.buffer(n);
                loop.run(() -> b.forEachAsync(x -> {
                    consumed.incrementAndGet();
                    return Async.sleep(SEC);
                }));
                assertEquals(n + 1, maxAhead.get(), "buffer(" + n + "): emit calls beyond what was consumed");
            }
        }
    }

    private static CompletionStage<Void> countEmits(Emitter<Integer> out, int i, int to, AtomicInteger emits, AtomicInteger consumed, AtomicInteger maxAhead) {
        if (i >= to) return CompletableFuture.completedFuture(null);
        int ahead = emits.incrementAndGet() - consumed.get();
        maxAhead.accumulateAndGet(ahead, Math::max);
        return out.emit(i).thenCompose(v -> countEmits(out, i + 1, to, emits, consumed, maxAhead));
    }

    @Test
    void mapAsyncRunsItsCallsConcurrently() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            List<Integer> got = loop.run(() -> AsyncStream.of(1, 2, 3, 4, 5, 6).mapAsync(3, x -> Async.sleep(SEC.multipliedBy(7 - x), x * 10)).toList());
            assertEquals(List.of(10, 20, 30, 40, 50, 60), got);
            assertTrue(loop.now().compareTo(SEC.multipliedBy(21)) < 0, "concurrent: " + loop.now());
            List<Integer> unordered = loop.run(() -> AsyncStream.of(3, 1, 2).mapAsyncUnordered(3, x -> Async.sleep(SEC.multipliedBy(x), x)).toList());
            assertEquals(List.of(1, 2, 3), unordered);
        }
    }

    @Test
    void aDumpShowsEachBuffersSizeCapacityAndPeak() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            CompletableFuture<Void> release = new CompletableFuture<>();
            dev.aio4j.Task<Void> t = loop.task(() -> AsyncStream.generate(slow(0, 1_000, MS)).buffer(4)
                    .forEachAsync(x -> release)); // the consumer holds its first item until released
            loop.advanceBy(MS.multipliedBy(100));
            String dump = loop.dump();
            // the producer filled the buffer and waits to hand over one more item
            assertTrue(dump.contains("buffer(4)[size=4, capacity=4, peakSize=4"), dump);
            t.cancel();
            loop.runUntilIdle();
        }
    }

    @Test
    void adjacentBuffersAreFusedIntoOneWhoseCapacityIsTheSum() throws Exception {
        try (TestLoop loop = TestLoop.create()) {
            CompletableFuture<Void> release = new CompletableFuture<>();
            List<Integer> items = java.util.stream.IntStream.range(0, 100).boxed().toList();
            dev.aio4j.Task<Void> t = loop.task(() -> AsyncStream.fromIterable(items).buffer(2).buffer(3)
                    .forEachAsync(x -> release));
            loop.runUntilIdle();
            String dump = loop.dump();
            assertTrue(dump.contains("[size=5, capacity=5, peakSize=5"), dump);
            assertEquals(1, dump.split("AsyncStream.pump", -1).length - 1, dump);
            t.cancel();
            loop.runUntilIdle();
        }
    }
}

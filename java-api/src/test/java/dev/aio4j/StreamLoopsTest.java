package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code on(loop)} (the upstream on another loop) and {@code toBlockingStream()} (a run read by a blocking thread). */
@Timeout(60)
class StreamLoopsTest {

    private static String thread() {
        return Thread.currentThread().getName();
    }

    @Test
    void theUpstreamRunsOnItsLoopAndTheConsumerOnMain() throws Exception {
        try (Loop producerLoop = Loop.create("producer")) {
            List<String> producerThreads = Collections.synchronizedList(new ArrayList<>());
            List<String> consumerThreads = Collections.synchronizedList(new ArrayList<>());
            String[] main = new String[1];
            List<Integer> got = Loop.run(() -> {
                main[0] = thread();
                return AsyncStream.<Integer>generate(out -> {
                            int[] i = {0};
                            return Async.repeatWhile(() -> {
                                producerThreads.add(thread());
                                return out.emit(i[0]++).thenApply(v -> i[0] < 5);
                            });
                        })
                        .map(x -> {
                            producerThreads.add(thread());
                            return x * 10;
                        })
                        .on(producerLoop)
                        .map(x -> {
                            consumerThreads.add(thread());
                            return x + 1;
                        })
                        .toList();
            });
            assertEquals(List.of(1, 11, 21, 31, 41), got);
            assertTrue(producerThreads.stream().allMatch("aio4j-loop-producer"::equals), producerThreads::toString);
            assertTrue(consumerThreads.stream().allMatch(main[0]::equals), consumerThreads::toString);
        }
    }

    @Test
    void cancellingFromAThirdThreadTearsDownBothLoops() throws Exception {
        try (Loop producerLoop = Loop.create("producer"); Loop consumerLoop = Loop.create("consumer")) {
            CountDownLatch flowing = new CountDownLatch(3);
            CompletableFuture<Void> producerCleanup = new CompletableFuture<>();
            AtomicInteger consumed = new AtomicInteger();
            Task<Void> run = Support.onLoop(consumerLoop, () -> AsyncStream.<Integer>generate(out -> {
                        int[] i = {0};
                        return Async.repeatWhile(() -> Async.sleep(Duration.ofMillis(1)).thenCompose(x -> out.emit(i[0]++)).thenApply(v -> true))
                                .whenComplete((v, e) -> producerCleanup.complete(null));
                    })
                    .on(producerLoop)
                    .forEach(x -> {
                        consumed.incrementAndGet();
                        flowing.countDown();
                    }));
            assertTrue(flowing.await(30, TimeUnit.SECONDS));
            Thread third = new Thread(() -> run.cancel(true));
            third.start();
            third.join();
            producerCleanup.get(30, TimeUnit.SECONDS); // the producer on the other loop was cancelled and cleaned up
            assertTrue(run.isCancelled());
            int after = consumed.get();
            Support.sync(consumerLoop);
            Support.sync(producerLoop);
            assertEquals(after, consumed.get(), "nothing is consumed after the teardown");
        }
    }

    @org.junit.jupiter.api.RepeatedTest(20) // the run on the other loop may finish before its launch returns
    void theUpstreamsFailureFailsTheStream() {
        try (Loop producerLoop = Loop.create("producer")) {
            IOException e = assertThrows(IOException.class, () -> Loop.run(() -> AsyncStream.<Integer>failed(new IOException("upstream"))
                    .on(producerLoop).toList()));
            assertEquals("upstream", e.getMessage());
        }
    }

    @Test
    void aBlockingStreamReadsEveryItemInOrder() {
        try (Stream<Integer> s = AsyncStream.fromIterable(List.of(1, 2, 3, 4)).map(x -> x * 2).toBlockingStream()) {
            assertEquals(List.of(2, 4, 6, 8), s.collect(Collectors.toList()));
        }
    }

    @Test
    void closingABlockingStreamEarlyWaitsForTheProducersCleanup() {
        CompletableFuture<Void> cleanup = new CompletableFuture<>();
        AsyncStream<Integer> endless = AsyncStream.generate(out -> {
            int[] i = {0};
            return Async.repeatWhile(() -> out.emit(i[0]++).thenApply(v -> true)).whenComplete((v, e) -> cleanup.complete(null));
        });
        try (Stream<Integer> s = endless.toBlockingStream()) {
            assertEquals(List.of(0, 1, 2), s.limit(3).collect(Collectors.toList()));
        }
        assertTrue(cleanup.isDone(), "close() waited for the producer's cleanup");
    }

    @Test
    void aBlockingStreamThrowsTheStreamsFailure() {
        try (Stream<Integer> s = AsyncStream.<Integer>failed(new UncheckedIOException(new IOException("x"))).toBlockingStream()) {
            assertThrows(UncheckedIOException.class, () -> s.forEach(x -> {}));
        }
        try (Stream<Integer> s = AsyncStream.<Integer>failed(new IOException("checked")).toBlockingStream()) {
            java.util.concurrent.CompletionException e = assertThrows(java.util.concurrent.CompletionException.class, () -> s.count());
            assertEquals("checked", e.getCause().getMessage());
        }
    }

    @Test
    void aBlockingStreamIsRefusedOnALoopThread() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Loop.run(() -> CompletableFuture.completedFuture(AsyncStream.of(1).toBlockingStream().count())));
        assertTrue(e.getMessage().contains("loop"), e.getMessage());
    }

    @Test
    void interruptingAThreadWaitingOnABlockingStreamClosesTheRun() throws Exception {
        CompletableFuture<Throwable> cleanup = new CompletableFuture<>();
        CompletableFuture<Object> reader = new CompletableFuture<>();
        CountDownLatch firstItem = new CountDownLatch(1);
        AsyncStream<Integer> oneThenNothing = AsyncStream.generate(out -> out.emit(1)
                .thenCompose(v -> Async.sleep(Duration.ofDays(1)))
                .whenComplete((v, e) -> cleanup.complete(e)));
        Thread t = new Thread(() -> {
            try (Stream<Integer> s = oneThenNothing.toBlockingStream()) {
                s.forEach(x -> firstItem.countDown()); // then waits for a second item that never comes
                reader.complete("ended");
            } catch (Throwable e) {
                reader.complete(List.of(e, Thread.currentThread().isInterrupted()));
            }
        }, "blocking-reader");
        t.start();
        assertTrue(firstItem.await(10, TimeUnit.SECONDS));
        t.interrupt();
        Object outcome = reader.get(10, TimeUnit.SECONDS);
        assertTrue(outcome instanceof List<?> l && l.get(0) instanceof java.util.concurrent.CancellationException, String.valueOf(outcome));
        assertEquals(true, ((List<?>) outcome).get(1), "the thread's interrupt status is kept");
        Throwable cancelled = cleanup.get(10, TimeUnit.SECONDS);
        // cancelled while emitting (then seen through the chain, wrapped) or while sleeping
        if (cancelled instanceof java.util.concurrent.CompletionException) cancelled = cancelled.getCause();
        assertTrue(cancelled instanceof java.util.concurrent.CancellationException, "the producer was cancelled: " + cancelled);
        t.join(10_000);
    }

    @Test
    void loopRunReturnsAfterTheCleanupOfAnUpstreamOnAnotherLoop() throws Exception {
        try (Loop producerLoop = Loop.create("producer")) {
            for (int round = 0; round < 20; round++) {
                CompletableFuture<String> cleanup = new CompletableFuture<>();
                AsyncStream<Integer> endless = AsyncStream.generate(out -> {
                    int[] i = {0};
                    return Async.repeatWhile(() -> out.emit(i[0]++).thenApply(v -> true))
                            .whenComplete((v, e) -> cleanup.complete(thread()));
                });
                List<Integer> got = Loop.run(() -> endless.on(producerLoop).take(3).toList());
                assertEquals(List.of(0, 1, 2), got);
                assertTrue(cleanup.isDone(), "the producer on the other loop had cleaned up when Loop.run returned");
                assertEquals("aio4j-loop-producer", cleanup.join());
            }
        }
    }
}

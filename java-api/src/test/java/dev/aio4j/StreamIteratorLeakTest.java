package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An iterator dropped without {@code close()} (edge case 10 of the streams contract): reported
 * once through the loop's exception handler, its producer cancelled on the producer's loop.
 */
@Timeout(60)
class StreamIteratorLeakTest {
    /** Counts up from 1 forever; records the thread its cleanup ran on. */
    private static AsyncStream<Integer> counting(CompletableFuture<String> cleanupThread) {
        return AsyncStream.generate(out -> emitFrom(out, 1)
                .whenComplete((v, e) -> cleanupThread.complete(Thread.currentThread().getName())));
    }

    private static CompletableFuture<?> emitFrom(Emitter<Integer> out, int i) {
        return out.emit(i).thenCompose(v -> emitFrom(out, i + 1));
    }

    /** Runs a no-op task on the loop and waits for it: what was posted before it has run. */
    private static void flush(Loop loop) throws Exception {
        loop.task(() -> Async.sleep(java.time.Duration.ZERO)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void anIteratorDroppedOpenIsReportedOnceAndItsProducerIsCancelledOnItsLoop() throws Exception {
        List<Throwable> reports = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        CompletableFuture<String> cleanupThread = new CompletableFuture<>();
        try (Loop loop = Loop.create("leak")) {
            loop.setExceptionHandler((message, error) -> {
                reports.add(error);
                reported.complete(error);
            });
            WeakReference<AsyncIterator<Integer>> ref = loop.task(() -> {
                AsyncIterator<Integer> it = counting(cleanupThread).iterator();
                return it.next().thenApply(first -> {
                    assertEquals(1, first);
                    return new WeakReference<>(it); // the only reference left once this task is done
                });
            }).get(10, TimeUnit.SECONDS);
            while (!reported.isDone()) { // the GC decides when; the report is what we wait for
                System.gc();
                try {
                    reported.get(100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // collect again
                }
            }
            assertNull(ref.get());
            assertEquals("aio4j-loop-leak", cleanupThread.get(10, TimeUnit.SECONDS), "the producer's cleanup ran on its loop");
            Throwable report = reported.join();
            assertInstanceOf(IllegalStateException.class, report);
            assertTrue(report.getMessage().startsWith("AsyncIterator was never closed: AsyncStream[generate"), report.getMessage());
            flush(loop);
            assertEquals(1, reports.size(), reports.toString());
        }
    }

    @Test
    void anIteratorClosedOrConsumedToItsEndIsNotReported() throws Exception {
        List<Throwable> reports = Collections.synchronizedList(new ArrayList<>());
        try (Loop loop = Loop.create("no-leak")) {
            loop.setExceptionHandler((message, error) -> reports.add(error));
            List<StreamIterator.Unscoped<Integer>> its = loop.task(() -> {
                StreamIterator.Unscoped<Integer> closed = (StreamIterator.Unscoped<Integer>) AsyncStream.of(1, 2).iterator();
                StreamIterator.Unscoped<Integer> consumed = (StreamIterator.Unscoped<Integer>) AsyncStream.of(1).iterator();
                StreamIterator.Unscoped<Integer> neverStarted = (StreamIterator.Unscoped<Integer>) AsyncStream.of(1).iterator();
                return closed.next()
                        .thenCompose(x -> closed.close())
                        .thenCompose(x -> consumed.next())
                        .thenCompose(x -> consumed.next())
                        .thenApply(end -> {
                            assertNull(end);
                            return List.of(closed, consumed, neverStarted);
                        });
            }).get(10, TimeUnit.SECONDS);
            for (StreamIterator.Unscoped<Integer> it : its) {
                flush(loop); // the consumed run's group completes on the loop
                it.dropped();
            }
            flush(loop);
            assertEquals(List.of(), reports);
        }
    }

    @Test
    void theTestHookReportsAStartedOpenIteratorLikeTheCleaner() throws Exception {
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        CompletableFuture<String> cleanupThread = new CompletableFuture<>();
        try (Loop loop = Loop.create("hook")) {
            loop.setExceptionHandler((message, error) -> reported.complete(error));
            StreamIterator.Unscoped<Integer> it = loop.task(() -> {
                StreamIterator.Unscoped<Integer> i = (StreamIterator.Unscoped<Integer>) counting(cleanupThread).iterator();
                return i.next().thenApply(x -> i);
            }).get(10, TimeUnit.SECONDS);
            it.dropped();
            assertTrue(reported.get(10, TimeUnit.SECONDS).getMessage().contains("never closed"));
            assertEquals("aio4j-loop-hook", cleanupThread.get(10, TimeUnit.SECONDS));
            assertTrue(it.isClosed());
        }
    }

    @Test
    void inDebugModeTheReportSaysWhereTheIteratorWasMade() throws Exception {
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        try (Loop loop = Loop.create("debug-leak", LoopOptions.defaults().debug(DebugOptions.on().creationSites(true)))) {
            loop.setExceptionHandler((message, error) -> { // debug mode may report a slow step on a loaded machine too
                if (error.getMessage() != null && error.getMessage().contains("never closed")) reported.complete(error);
            });
            StreamIterator.Unscoped<Integer> it = loop.task(() -> {
                StreamIterator.Unscoped<Integer> i = (StreamIterator.Unscoped<Integer>) counting(new CompletableFuture<>()).iterator();
                return i.next().thenApply(x -> i);
            }).get(10, TimeUnit.SECONDS);
            it.dropped();
            Throwable site = reported.get(10, TimeUnit.SECONDS).getCause();
            assertTrue(site != null && java.util.Arrays.stream(site.getStackTrace())
                    .anyMatch(f -> f.getClassName().startsWith(StreamIteratorLeakTest.class.getName())), String.valueOf(site));
        }
    }
}

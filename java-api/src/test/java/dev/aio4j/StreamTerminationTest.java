package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code onTermination} (once per run: completed, failed or cancelled) and {@code via}. */
@Timeout(30)
class StreamTerminationTest {
    private static AsyncStream<Integer> naturals(List<Integer> emitted) {
        return AsyncStream.generate(out -> emitFrom(out, 1, emitted));
    }

    private static CompletableFuture<?> emitFrom(Emitter<Integer> out, int i, List<Integer> emitted) {
        emitted.add(i);
        return out.emit(i).thenCompose(v -> emitFrom(out, i + 1, emitted));
    }

    @Test
    void aCompletedRunCallsTheHookOnceBeforeTheConsumerSeesTheEnd() throws Exception {
        List<String> log = new ArrayList<>();
        Loop.run(() -> AsyncStream.of(1, 2)
                .onTermination(t -> log.add(t.toString()))
                .forEach(x -> log.add("item " + x))
                .thenRun(() -> log.add("terminal done")));
        assertEquals(List.of("item 1", "item 2", "Completed[]", "terminal done"), log);
    }

    @Test
    void aFailedRunPassesTheFailureToTheHookBeforeTheConsumerSeesIt() {
        List<Termination> seen = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        AsyncStream<Integer> s = AsyncStream.generate(out -> out.emit(1).thenCompose(v -> CompletableFuture.failedFuture(boom)));
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Loop.run(() -> s.onTermination(seen::add).toList()));
        assertSame(boom, thrown);
        assertEquals(List.of(new Termination.Failed(boom)), seen);
    }

    @Test
    void aTakeBelowCancelsTheUpstreamAndTheHookSaysCancelled() throws Exception {
        List<Termination> seen = new ArrayList<>();
        List<Integer> emitted = new ArrayList<>();
        List<Integer> got = Loop.run(() -> naturals(emitted).onTermination(seen::add).take(3).toList());
        assertEquals(List.of(1, 2, 3), got);
        assertEquals(List.of(new Termination.Cancelled()), seen);
    }

    @Test
    void cancellingTheTerminalTaskCallsTheHookWithCancelled() throws Exception {
        List<Termination> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> firstItem = new CompletableFuture<>();
        boolean cancelled = Loop.run(() -> {
            Task<Void> t = naturals(new ArrayList<>()).onTermination(seen::add)
                    .forEachAsync(x -> {
                        firstItem.complete(null);
                        return new CompletableFuture<Void>(); // the consumer never finishes its first item
                    });
            return firstItem.thenCompose(v -> {
                t.cancel(true);
                return t.handle((r, e) -> e instanceof CancellationException);
            });
        });
        assertTrue(cancelled);
        assertEquals(List.of(new Termination.Cancelled()), seen);
    }

    @Test
    void aRunThatNeverPullsTheStageDoesNotCallTheHook() throws Exception {
        List<Termination> seen = new ArrayList<>();
        assertEquals(List.of(), Loop.run(() -> AsyncStream.of(1).onTermination(seen::add).take(0).toList()));
        assertEquals(List.of(), seen);
    }

    @Test
    void eachRunCallsTheHookOnce() throws Exception {
        List<Termination> seen = new ArrayList<>();
        AsyncStream<Integer> s = AsyncStream.of(1, 2, 3).onTermination(seen::add);
        Loop.run(() -> s.count().thenCompose(n -> s.first()));
        assertEquals(List.of(new Termination.Completed(), new Termination.Cancelled()), seen);
    }

    @Test
    void aHookThatThrowsOnCompletionFailsTheStream() {
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> Loop.run(() -> AsyncStream.of(1)
                .onTermination(t -> {
                    throw new ArithmeticException("hook");
                })
                .toList()));
        assertEquals("hook", e.getMessage());
    }

    @Test
    void aHookThatThrowsOnAFailureIsSuppressedInThatFailure() {
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Loop.run(() -> AsyncStream.<Integer>failed(new IllegalStateException("first"))
                .onTermination(t -> {
                    throw new ArithmeticException("hook");
                })
                .toList()));
        assertEquals("first", thrown.getMessage());
        assertEquals(1, thrown.getSuppressed().length);
        assertEquals("hook", thrown.getSuppressed()[0].getMessage());
    }

    @Test
    void aHookThatThrowsOnCancellationGoesToTheLoopsHandlerAndTheResultStands() throws Exception {
        List<Throwable> reports = Collections.synchronizedList(new ArrayList<>());
        try (Loop loop = Loop.create("hooks")) {
            loop.setExceptionHandler((message, error) -> reports.add(error));
            List<Integer> got = loop.runUntilComplete(loop.task(() -> naturals(new ArrayList<>())
                    .onTermination(t -> {
                        throw new ArithmeticException("hook saw " + t);
                    })
                    .take(2)
                    .toList()));
            assertEquals(List.of(1, 2), got);
        }
        assertEquals(1, reports.size(), reports.toString());
        assertInstanceOf(ArithmeticException.class, reports.get(0));
        assertEquals("hook saw Cancelled[]", reports.get(0).getMessage());
    }

    @Test
    void theHookRunsOnTheRunsLoop() throws Exception {
        CompletableFuture<Thread> hookThread = new CompletableFuture<>();
        try (Loop loop = Loop.create("hook-loop")) {
            Thread loopThread = loop.runUntilComplete(loop.task(() -> AsyncStream.of(1)
                    .onTermination(t -> hookThread.complete(Thread.currentThread()))
                    .toList()
                    .thenApply(x -> Thread.currentThread())));
            assertSame(loopThread, hookThread.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void viaAppliesAReusablePieceOfPipeline() throws Exception {
        Function<AsyncStream<Integer>, AsyncStream<String>> evensAsText = s -> s.filter(x -> x % 2 == 0).map(x -> "#" + x);
        assertEquals(List.of("#2", "#4"), Loop.run(() -> AsyncStream.of(1, 2, 3, 4).via(evensAsText).toList()));
        assertThrows(NullPointerException.class, () -> AsyncStream.of(1).via(null));
        NullPointerException e = assertThrows(NullPointerException.class, () -> AsyncStream.of(1).via(s -> null));
        assertTrue(e.getMessage().contains("via"), e.getMessage());
    }

    @Test
    void aNullHookIsRefusedWhenTheStageIsMadeNotWhenItRuns() {
        // refused at once, where the mistake is, rather than as a failure of some later run
        assertThrows(NullPointerException.class, () -> AsyncStream.of(1).onTermination(null));
    }
}

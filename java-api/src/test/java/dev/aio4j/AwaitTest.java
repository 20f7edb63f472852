package dev.aio4j;

import static dev.aio4j.Support.FOREVER;
import static dev.aio4j.Support.done;
import static dev.aio4j.Support.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class AwaitTest {

    @Test
    void awaitOffLoopReturnsTheValue() throws Exception {
        assertEquals(5, Async.await(Async.sleep(Duration.ofMillis(2), 5)));
        assertEquals("x", Async.await(done("x")));
        assertEquals("m", Async.await(done("m").minimalCompletionStage()));
    }

    @Test
    void awaitRethrowsTheFailureUnwrapped() {
        IOException io = new IOException("io");
        assertSame(io, assertThrows(IOException.class, () -> Async.await(CompletableFuture.failedFuture(io))));
        assertSame(io, assertThrows(IOException.class,
                () -> Async.await(CompletableFuture.failedFuture(new CompletionException(io)))));
        Task<String> failing = Async.task(() -> {
            throw io;
        });
        assertSame(io, assertThrows(IOException.class, () -> Async.await(failing)));
        IllegalStateException ise = new IllegalStateException("ise");
        assertSame(ise, assertThrows(IllegalStateException.class, () -> Async.await(CompletableFuture.failedFuture(ise))));
    }

    @Test
    void awaitOfACancelledStageThrowsCancellation() {
        Task<String> t = Async.sleep(FOREVER, "x");
        t.cancel("gone");
        assertEquals("gone", assertThrows(CancellationException.class, () -> Async.await(t)).getMessage());
    }

    @Test
    void awaitInsideToThreadGivesSequentialCode() throws Exception {
        int r = Loop.run(() -> Async.toThread(() -> {
            int a = Async.await(Async.sleep(Duration.ofMillis(1), 20));
            int b = Async.await(Async.sleep(Duration.ofMillis(1), 22));
            return a + b;
        }));
        assertEquals(42, r);
    }

    @Test
    void awaitOnALoopThreadIsRefused() throws Exception {
        IllegalStateException inRun = Loop.run(() -> done(assertThrows(IllegalStateException.class, () -> Async.await(done(1)))));
        assertTrue(inRun.getMessage().contains("toThread"), inRun.getMessage());
        assertThrows(IllegalStateException.class,
                () -> Async.await(Async.task(() -> done(Async.await(done(1))))));
        Loop loop = Loop.create("await-refused");
        try {
            IllegalStateException onLoop = Support.onLoop(loop,
                    () -> assertThrows(IllegalStateException.class, () -> Async.await(done(1))));
            assertTrue(onLoop.getMessage().contains("loop"), onLoop.getMessage());
        } finally {
            loop.close();
        }
    }

    @Test
    void anInterruptedAwaitThrowsInterruptedAndCancelsWhatItAwaited() {
        Task<String> t = Async.sleep(FOREVER, "x");
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> Async.await(t));
        } finally {
            Thread.interrupted();
        }
        assertTrue(t.isCancelled(), "the awaiting code is gone: what it awaited must be cancelled");
    }

    @Test
    void awaitChecksItsArgument() {
        assertEquals("stage", assertThrows(NullPointerException.class, () -> Async.await(null)).getMessage());
    }

    @Test
    void awaitOnAWorkerOfTheSharedLoopIsRefused() throws Exception {
        Task<Throwable> t = Async.task(() -> {
            try {
                Async.await(done(1));
                return done(null);
            } catch (Throwable e) {
                return done(e);
            }
        });
        assertTrue(get(t) instanceof IllegalStateException, String.valueOf(get(t)));
    }
}

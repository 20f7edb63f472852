package dev.aio4j;

import static dev.aio4j.Support.FOREVER;
import static dev.aio4j.Support.assertEndsCancelled;
import static dev.aio4j.Support.assertFailsWith;
import static dev.aio4j.Support.done;
import static dev.aio4j.Support.failureOf;
import static dev.aio4j.Support.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TimeoutTest {

    @Test
    void theBodyRunsAsTheTasksOwnCodeOnTheCurrentLoop() throws Exception {
        Loop loop = Loop.create("timeout-loop");
        try {
            Thread lt = Support.onLoop(loop, Thread::currentThread);
            AtomicReference<Object> current = new AtomicReference<>();
            Task<Task<Thread>> made = loop.task(() -> done(Async.timeout(Duration.ofSeconds(10), () -> {
                current.set(Async.currentTask().orElse(null));
                return done(Thread.currentThread());
            })));
            Task<Thread> t = get(made);
            assertSame(lt, get(t));
            assertSame(t, current.get());
            assertSame(loop, t.loop());
        } finally {
            loop.close();
        }
    }

    @Test
    void aBodyThatThrowsFailsTheTaskWithThatException() {
        IOException io = new IOException("io");
        assertSame(io, assertFailsWith(IOException.class, Async.timeout(Duration.ofSeconds(10), () -> {
            throw io;
        })));
    }

    @Test
    void cancellingItCancelsTheBodysStage() throws Exception {
        CompletableFuture<Task<Void>> inner = new CompletableFuture<>();
        Task<Void> t = Async.timeout(Duration.ofSeconds(10), () -> {
            Task<Void> s = Async.sleep(FOREVER);
            inner.complete(s);
            return s;
        });
        Task<Void> s = get(inner);
        assertTrue(t.cancel());
        assertEndsCancelled(s);
    }

    @Test
    void timeoutChecksItsArguments() {
        assertEquals("timeout", assertThrows(NullPointerException.class, () -> Async.timeout(null, () -> done(1))).getMessage());
        assertEquals("body", assertThrows(NullPointerException.class, () -> Async.timeout(Duration.ZERO, null)).getMessage());
        assertEquals("timeout < 0: PT-0.000001S", assertThrows(IllegalArgumentException.class,
                () -> Async.timeout(Duration.ofNanos(-1000), () -> done(1))).getMessage());
    }

    @Test
    void aClosedLoopRefusesIt() throws Exception {
        Loop loop = Loop.create("timeout-closed");
        Loop[] l = {null};
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        loop.task(() -> Async.sleep(FOREVER).whenComplete((v, e) -> {
            try {
                Async.timeout(Duration.ofSeconds(1), () -> done(1));
                refused.complete(null);
            } catch (Throwable x) {
                refused.complete(x);
            }
        }));
        Support.sync(loop);
        loop.close();
        assertInstanceOf(IllegalStateException.class, get(refused));
    }

    /** The body's stage completes from another thread right around the deadline: the value is never lost. */
    @Test
    void theDeadlineRaceNeverLosesTheBodysResult() {
        for (int i = 0; i < 2000; i++) {
            CompletableFuture<Integer> stage = new CompletableFuture<>();
            long timeoutNanos = 20_000 + ThreadLocalRandom.current().nextInt(200_000);
            long start = System.nanoTime();
            Task<Integer> t = Async.timeout(Duration.ofNanos(timeoutNanos), () -> stage);
            long aim = start + timeoutNanos + ThreadLocalRandom.current().nextInt(-50_000, 50_000);
            while (System.nanoTime() - aim < 0) Thread.onSpinWait();
            boolean delivered = stage.complete(i);
            Throwable e = failureOf(t);
            if (delivered) {
                if (e != null) fail("race " + i + ": the body's stage completed but the task failed with " + e);
                assertEquals(i, t.join());
            } else {
                assertTrue(stage.isCancelled(), "race " + i);
                assertInstanceOf(TimeoutException.class, e, "race " + i);
                assertFalse(t.isCancelled(), "race " + i);
            }
        }
    }
}

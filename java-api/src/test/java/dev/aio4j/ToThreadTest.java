package dev.aio4j;

import static dev.aio4j.Support.assertEndsCancelled;
import static dev.aio4j.Support.assertFailsWith;
import static dev.aio4j.Support.await;
import static dev.aio4j.Support.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ToThreadTest {

    @Test
    void toThreadRunsTheWorkOnAnotherThreadAndCompletesOnTheLoop() throws Exception {
        Loop loop = Loop.create("to-thread");
        try {
            Thread lt = Support.onLoop(loop, Thread::currentThread);
            Task<Thread[]> t = loop.task(() -> Async.toThread(Thread::currentThread)
                    .thenApply(worker -> new Thread[] {worker, Thread.currentThread()}));
            Thread[] threads = get(t);
            assertNotSame(lt, threads[0]);
            assertNotSame(Thread.currentThread(), threads[0]);
            assertSame(lt, threads[1], "the result was not delivered on the loop thread");
        } finally {
            loop.close();
        }
    }

    @Test
    void toThreadReturnsTheValue() throws Exception {
        assertEquals(42, get(Async.toThread(() -> 42)));
        assertEquals("x", Loop.run(() -> Async.toThread(() -> "x")));
    }

    @Test
    void toThreadFailsWithTheWorksException() {
        IOException io = new IOException("io");
        assertSame(io, assertFailsWith(IOException.class, Async.toThread(() -> {
            throw io;
        })));
    }

    @Test
    void cancellingInterruptsTheBlockingThread() {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Task<String> t = Async.toThread(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
                return "not interrupted";
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        });
        await(started);
        assertTrue(t.cancel());
        await(interrupted);
        assertEndsCancelled(t);
    }

    @Test
    void cancellingBeforeTheWorkStartedKeepsItFromRunning() throws Exception {
        Loop loop = Loop.create("to-thread-queued");
        try {
            List<Runnable> queued = new ArrayList<>();
            AtomicBoolean ran = new AtomicBoolean();
            Task<String> t = Support.onLoop(loop, () -> Async.runInExecutor(queued::add, () -> {
                ran.set(true);
                return "ran";
            }));
            assertEquals(1, queued.size());
            assertTrue(t.cancel()); // done at once; the work is withdrawn by the loop's next step
            Support.sync(loop);
            queued.get(0).run(); // the executor gets round to it
            assertFalse(ran.get());
            assertEndsCancelled(t);
        } finally {
            loop.close();
        }
    }

    @Test
    void runInExecutorUsesTheGivenExecutor() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "user-pool"));
        try {
            assertEquals("user-pool", get(Async.runInExecutor(pool, () -> Thread.currentThread().getName())));
            IOException io = new IOException("io");
            assertSame(io, assertFailsWith(IOException.class, Async.runInExecutor(pool, () -> {
                throw io;
            })));
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void runInExecutorCancellingInterruptsTheThread() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            Task<String> t = Async.runInExecutor(pool, () -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                    return "x";
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            });
            await(started);
            t.cancel();
            await(interrupted);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRejectingExecutorFailsTheTaskWithItsRejection() {
        RejectedExecutionException no = new RejectedExecutionException("full");
        Task<String> t = Async.runInExecutor(r -> {
            throw no;
        }, () -> "never");
        assertSame(no, assertFailsWith(RejectedExecutionException.class, t));
        ExecutorService down = Executors.newSingleThreadExecutor();
        down.shutdown();
        assertFailsWith(RejectedExecutionException.class, Async.runInExecutor(down, () -> "never"));
    }

    @Test
    void closingALoopWaitsForItsBlockingWorkToReturn() {
        Loop loop = Loop.create("to-thread-close");
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean returned = new AtomicBoolean();
        CompletableFuture<Task<String>> task = new CompletableFuture<>();
        loop.task(() -> {
            Task<String> t = Async.toThread(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                    return "x";
                } finally {
                    returned.set(true);
                }
            });
            task.complete(t);
            return t;
        });
        await(started);
        loop.close();
        assertTrue(returned.get(), "close() returned before the interrupted work had returned");
    }

    @Test
    void argumentsAreChecked() {
        assertEquals("work", assertThrows(NullPointerException.class, () -> Async.toThread(null)).getMessage());
        assertEquals("executor", assertThrows(NullPointerException.class,
                () -> Async.runInExecutor(null, () -> 1)).getMessage());
        assertEquals("work", assertThrows(NullPointerException.class,
                () -> Async.runInExecutor(Runnable::run, null)).getMessage());
    }
}

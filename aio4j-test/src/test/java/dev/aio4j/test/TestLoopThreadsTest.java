package dev.aio4j.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.aio4j.Async;
import dev.aio4j.AsyncEvent;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Work that reaches a test loop from other threads, and from its own driver thread between driving calls. */
class TestLoopThreadsTest {

    @Test
    void aFutureTheTestCompletesBetweenDrivingCallsResumesItsTaskAtTheNextCall() throws Exception {
        try (TestLoop loop = TestLoop.create(TestLoopOptions.defaults().withAutoAdvance(false))) {
            CompletableFuture<String> reply = new CompletableFuture<>();
            // the continuation calls an Async helper: it works only inside a driving call
            Task<String> t = loop.task(() -> Async.task(() -> reply).thenCompose(v -> Async.sleep(Duration.ofSeconds(1), v)));
            loop.runCurrent();
            reply.complete("ok"); // on the driver thread, outside run/advance: no task code runs here
            assertFalse(t.isDone());
            loop.advanceBy(Duration.ofSeconds(1));
            assertEquals("ok", t.getNow(null));
        }
    }

    /**
     * A plain thread (not a {@code toThread} job) posts {@code callSoon} callbacks and tasks while
     * main awaits an event that only the last of them sets: every post was made before the loop
     * finished the one before it, so the loop never idles with nothing posted, and it must never
     * call that a deadlock. (A post made after the loop went idle is not seen: hand such work over
     * with {@code toThread} or a future the task awaits.)
     */
    @Test
    void callbacksAndTasksPostedFromAPlainThreadAreNoDeadlock() throws Exception {
        int n = 2_000;
        try (TestLoop loop = TestLoop.create()) {
            Loop l = loop.loop();
            AsyncEvent last = new AsyncEvent();
            AtomicInteger ran = new AtomicInteger();
            AtomicReference<Throwable> problem = new AtomicReference<>();
            CountDownLatch[] posted = new CountDownLatch[n + 1];
            for (int i = 0; i <= n; i++) posted[i] = new CountDownLatch(1);
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        int k = i;
                        Runnable step = () -> {
                            if (ran.getAndIncrement() != k) problem.compareAndSet(null, new AssertionError("out of order at " + k));
                            if (k == n - 1) {
                                last.set();
                                return;
                            }
                            // the next post is made before this one ends: the loop is never idle without work posted
                            try {
                                if (!posted[k + 1].await(30, TimeUnit.SECONDS)) problem.compareAndSet(null, new AssertionError("stuck at " + k));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        };
                        if (i % 2 == 0) {
                            l.callSoon(step);
                        } else {
                            l.task("posted-" + i, () -> {
                                step.run();
                                return CompletableFuture.completedFuture(null);
                            });
                        }
                        posted[i].countDown();
                    }
                } catch (Throwable e) {
                    problem.compareAndSet(null, e);
                }
            }, "producer");
            loop.run(() -> {
                producer.start();
                // the first post is made before main waits
                posted[0].await();
                return last.await();
            });
            producer.join();
            assertEquals(null, problem.get());
            assertEquals(n, ran.get());
            assertEquals(Duration.ZERO, loop.now());
        }
    }
}

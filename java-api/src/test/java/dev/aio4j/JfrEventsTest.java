package dev.aio4j;

import static dev.aio4j.Support.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;

/** aio4j's JFR events, read back with the JDK's RecordingStream. */
class JfrEventsTest {

    /** Starts a stream of {@code event} that completes {@code first} with the first event matching {@code field == value}. */
    private static RecordingStream stream(String event, String field, String value, CompletableFuture<RecordedEvent> first) {
        RecordingStream rs = new RecordingStream();
        rs.enable(event).withoutThreshold();
        rs.onEvent(event, e -> {
            if (value.equals(e.getString(field))) first.complete(e);
        });
        rs.startAsync();
        return rs;
    }

    @Test
    void everyFailedTaskIsRecordedObservedOrNot() throws Exception {
        CompletableFuture<RecordedEvent> seen = new CompletableFuture<>();
        try (RecordingStream rs = stream("dev.aio4j.TaskFailed", "taskName", "jfr-failing", seen)) {
            try (Loop loop = Loop.create("jfr-loop")) {
                Task<Void> t = loop.task("jfr-failing", () -> {
                    throw new IOException("disk on fire");
                });
                Support.awaitDone(t);
                // committed events reach the stream when it flushes (about once a second)
                RecordedEvent e = seen.get(30, TimeUnit.SECONDS);
                assertEquals("jfr-loop", e.getString("loopName"));
                assertEquals(IOException.class.getName(), e.getString("exceptionClass"));
                assertEquals("disk on fire", e.getString("message"));
                assertTrue(t.isCompletedExceptionally());
            }
        }
    }

    @Test
    void cancellationsAreRecordedWhenEnabled() throws Exception {
        CompletableFuture<RecordedEvent> seen = new CompletableFuture<>();
        try (RecordingStream rs = stream("dev.aio4j.TaskCancelled", "taskName", "jfr-cancelled", seen)) {
            Task<Void> t = Async.task("jfr-cancelled", () -> Async.sleep(Support.FOREVER));
            t.cancel("no longer needed");
            RecordedEvent e = seen.get(30, TimeUnit.SECONDS);
            assertEquals("no longer needed", e.getString("reason"));
        }
    }

    @Test
    void aTimeoutThatFiresIsRecorded() throws Exception {
        CompletableFuture<RecordedEvent> seen = new CompletableFuture<>();
        try (RecordingStream rs = stream("dev.aio4j.TimeoutFired", "helper", "waitFor", seen)) {
            Task<Void> t = Async.waitFor(Async.sleep(Support.FOREVER), Duration.ofMillis(1));
            Support.awaitDone(t);
            RecordedEvent e = seen.get(30, TimeUnit.SECONDS);
            assertTrue(e.getString("task").contains("Task["), e.getString("task"));
            assertEquals(Duration.ofMillis(1), e.getDuration("timeout"));
        }
    }

    @Test
    void aSlowStepIsRecordedWithItsTask() throws Exception {
        CompletableFuture<RecordedEvent> seen = new CompletableFuture<>();
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("dev.aio4j.SlowStep").withThreshold(Duration.ofMillis(20));
            rs.onEvent("dev.aio4j.SlowStep", e -> {
                if ("jfr-slow".equals(e.getString("loop"))) seen.complete(e);
            });
            rs.startAsync();
            try (Loop loop = Loop.create("jfr-slow")) {
                // steps are timed from the batch after the recording began: keep stepping until the event arrives
                while (!seen.isDone()) {
                    loop.runUntilComplete(loop.task("busy", () -> {
                        long end = System.nanoTime() + 40_000_000L; // at least 40 ms, whatever the load
                        while (System.nanoTime() < end) Thread.onSpinWait();
                        return done(null);
                    }));
                    try {
                        seen.get(2, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException notYet) {
                        // flushed about once a second: try another step
                    }
                }
            }
            RecordedEvent e = seen.get();
            assertTrue(e.getString("task").startsWith("Task[busy]"), e.getString("task"));
            assertTrue(e.getDuration().toMillis() >= 40, e.getDuration().toString());
        }
    }

    @Test
    void loopStatisticsArePeriodic() throws Exception {
        CompletableFuture<RecordedEvent> seen = new CompletableFuture<>();
        try (Loop loop = Loop.create("jfr-stats"); RecordingStream rs = new RecordingStream()) {
            rs.enable("dev.aio4j.LoopStatistics").withPeriod(Duration.ofMillis(100));
            rs.onEvent("dev.aio4j.LoopStatistics", e -> {
                if ("jfr-stats".equals(e.getString("loop"))) seen.complete(e);
            });
            rs.startAsync();
            loop.runUntilComplete(loop.task(() -> done(null)));
            RecordedEvent e = seen.get(30, TimeUnit.SECONDS);
            assertTrue(e.getInt("liveTasks") >= 0);
            assertTrue(e.getInt("timers") >= 0);
        }
    }

    @Test
    void waitsForALockASemaphoreAndAQueueAreRecorded() throws Exception {
        CompletableFuture<RecordedEvent> lockWait = new CompletableFuture<>();
        CompletableFuture<RecordedEvent> semaphoreWait = new CompletableFuture<>();
        CompletableFuture<RecordedEvent> queueWait = new CompletableFuture<>();
        try (RecordingStream rs = new RecordingStream(); Loop loop = Loop.create("jfr-waits")) {
            rs.enable("dev.aio4j.LockWait").withoutThreshold();
            rs.enable("dev.aio4j.SemaphoreWait").withoutThreshold();
            rs.enable("dev.aio4j.QueueWait").withoutThreshold();
            rs.onEvent("dev.aio4j.LockWait", e -> lockWait.complete(e));
            rs.onEvent("dev.aio4j.SemaphoreWait", e -> semaphoreWait.complete(e));
            rs.onEvent("dev.aio4j.QueueWait", e -> queueWait.complete(e));
            rs.startAsync();
            AsyncLock lock = new AsyncLock();
            AsyncSemaphore semaphore = new AsyncSemaphore(0);
            AsyncQueue<Integer> queue = AsyncQueue.fifo(0);
            // waits begun after the recording started are timed: wait again until each event arrived
            while (!(lockWait.isDone() && semaphoreWait.isDone() && queueWait.isDone())) {
                loop.runUntilComplete(loop.task(() -> {
                    lock.acquire();
                    Task<Void> l = Async.task(() -> lock.acquire().thenApply(x -> {
                        lock.release();
                        return null;
                    }));
                    Task<Void> s = Async.task(() -> semaphore.acquire());
                    Task<Integer> q = Async.task(queue::get);
                    return Async.sleep(Duration.ofMillis(2)).thenCompose(x -> {
                        lock.release();
                        semaphore.release();
                        queue.putNowait(1);
                        return Async.gather(l, s, q);
                    });
                }));
                try {
                    CompletableFuture.allOf(lockWait, semaphoreWait, queueWait).get(2, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // flushed about once a second
                }
            }
            assertTrue(lockWait.get().getString("primitive").startsWith("AsyncLock["), lockWait.get().getString("primitive"));
            assertTrue(semaphoreWait.get().getString("primitive").startsWith("AsyncSemaphore["), semaphoreWait.get().getString("primitive"));
            assertTrue(queueWait.get().getString("primitive").startsWith("AsyncQueue["), queueWait.get().getString("primitive"));
            assertTrue(lockWait.get().getDuration().toNanos() > 0);
        }
    }
}

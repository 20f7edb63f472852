package dev.aio4j.test;

import static dev.aio4j.test.Instants.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Loop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code Loop.asScheduledExecutor()} on a test loop: delays, periods and {@code getDelay} in exact virtual time. */
@ExtendWith(TestLoopExtension.class)
@VirtualTime(autoAdvance = false)
class VirtualScheduledExecutorTest {

    @Test
    void aScheduledCommandRunsOnTheLoopAtItsDelayNotANanosecondEarlier(TestLoop loop) throws Exception {
        ScheduledExecutorService ses = loop.loop().asScheduledExecutor();
        List<Loop> ranOn = new ArrayList<>();
        ScheduledFuture<Duration> f = ses.schedule(() -> {
            ranOn.add(Loop.current().orElse(null));
            return now();
        }, 20, TimeUnit.MILLISECONDS);
        loop.advanceBy(Duration.ofMillis(20).minusNanos(1));
        assertFalse(f.isDone(), "ran before its delay");
        loop.advanceBy(Duration.ofNanos(1));
        assertTrue(f.isDone());
        assertEquals(Duration.ofMillis(20), f.get());
        assertEquals(List.of(loop.loop()), ranOn);
    }

    @Test
    void getDelayCountsDownWithTheClockAndCancellingWithdrawsTheCommand(TestLoop loop) throws Exception {
        ScheduledExecutorService ses = loop.loop().asScheduledExecutor();
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> f = ses.schedule(runs::incrementAndGet, 1, TimeUnit.HOURS);
        assertEquals(60, f.getDelay(TimeUnit.MINUTES));
        loop.advanceBy(Duration.ofMinutes(20));
        assertEquals(Duration.ofMinutes(40).toNanos(), f.getDelay(TimeUnit.NANOSECONDS));
        assertTrue(f.cancel(true));
        assertTrue(f.isCancelled());
        loop.runUntilIdle();
        assertEquals(Duration.ofMinutes(20), loop.now(), "the cancelled command left no timer");
        assertEquals(0, runs.get());
        ScheduledFuture<?> soon = ses.schedule(runs::incrementAndGet, 0, TimeUnit.MILLISECONDS);
        loop.runCurrent();
        assertTrue(soon.isDone(), "a zero delay runs at the current instant");
        assertEquals(1, runs.get());
        assertEquals(Duration.ofMinutes(20), loop.now());
    }

    @Test
    void periodicCommandsRunAtExactInstantsUntilCancelled(TestLoop loop) {
        ScheduledExecutorService ses = loop.loop().asScheduledExecutor();
        List<Long> rate = new ArrayList<>();
        List<Long> delay = new ArrayList<>();
        ScheduledFuture<?> r = ses.scheduleAtFixedRate(() -> rate.add(now().toMillis()), 2, 3, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> d = ses.scheduleWithFixedDelay(() -> delay.add(now().toMillis()), 0, 1, TimeUnit.MILLISECONDS);
        loop.advanceBy(Duration.ofMillis(11));
        assertEquals(List.of(2L, 5L, 8L, 11L), rate);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), delay);
        assertTrue(r.cancel(false));
        assertTrue(d.cancel(false));
        loop.advanceBy(Duration.ofSeconds(1));
        assertEquals(4, rate.size(), "ran after it was cancelled");
        assertEquals(12, delay.size(), "ran after it was cancelled");
        assertTrue(r.isCancelled());
        assertTrue(d.isCancelled());
    }
}

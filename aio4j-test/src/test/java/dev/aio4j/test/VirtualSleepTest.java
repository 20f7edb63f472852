package dev.aio4j.test;

import static dev.aio4j.test.Instants.HUGE;
import static dev.aio4j.test.Instants.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code Async.sleep} in virtual time: it ends at its delay exactly, never early, and a cancelled one leaves no timer. */
@ExtendWith(TestLoopExtension.class)
class VirtualSleepTest {

    @Test
    void aSleepEndsWithNullAtItsDelayNotANanosecondEarlier(@VirtualTime(autoAdvance = false) TestLoop loop) {
        List<Duration> endedAt = new ArrayList<>();
        Task<Void> t = loop.task(() -> Async.sleep(Duration.ofMillis(20)).whenComplete((v, e) -> endedAt.add(now())));
        loop.runCurrent();
        assertFalse(t.isDone());
        loop.advanceBy(Duration.ofMillis(20).minusNanos(1));
        assertFalse(t.isDone(), "woke early");
        loop.advanceBy(Duration.ofNanos(1));
        assertTrue(t.isDone());
        assertNull(t.result());
        assertEquals(List.of(Duration.ofMillis(20)), endedAt);
    }

    @Test
    void aHugeSleepNeitherOverflowsNorFiresEarlyAndStaysCancellable(@VirtualTime(autoAdvance = false) TestLoop loop) throws Exception {
        List<Task<Void>> sleeps = new ArrayList<>();
        for (Duration huge : List.of(HUGE, Duration.ofSeconds(Long.MAX_VALUE), Duration.ofNanos(Long.MAX_VALUE))) {
            sleeps.add(loop.run(() -> CompletableFuture.completedFuture(Async.sleep(huge))));
        }
        loop.advanceBy(Duration.ofDays(365L * 100));
        loop.advanceBy(Duration.ofSeconds(Long.MAX_VALUE)); // to the end of the virtual clock
        for (Task<Void> s : sleeps) {
            assertFalse(s.isDone(), "a huge sleep fired (overflow?) at " + loop.now() + ": " + s);
            assertTrue(s.cancel());
            assertThrows(CancellationException.class, () -> loop.run(() -> s));
        }
    }

    @Test
    void cancellingASleepBeforeItsDeadlineKeepsItFromCompletingAndWithdrawsItsTimer(TestLoop loop) throws Exception {
        Task<String> sleep = loop.run(() -> CompletableFuture.completedFuture(Async.sleep(Duration.ofMillis(5), "late")));
        assertTrue(sleep.cancel());
        loop.runUntilIdle();
        assertEquals(Duration.ZERO, loop.now(), "the timer was withdrawn: the clock had no timer to jump to");
        loop.advanceBy(Duration.ofHours(1));
        assertTrue(sleep.isCancelled());
        assertThrows(CancellationException.class, () -> loop.run(() -> sleep));
    }
}

package dev.aio4j.test;

import static dev.aio4j.test.Instants.HUGE;
import static dev.aio4j.test.Instants.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Handle;
import dev.aio4j.Loop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code Loop.callLater} on a test loop: each callback at its deadline exactly, in deadline order, ties in scheduling order. */
@ExtendWith(TestLoopExtension.class)
@VirtualTime(autoAdvance = false)
class VirtualCallLaterTest {

    @Test
    void theCallbackRunsOnTheLoopAtItsDelayNotANanosecondEarlier(TestLoop loop) {
        Loop l = loop.loop();
        List<Object> seen = new ArrayList<>();
        l.callLater(Duration.ofMillis(20), () -> {
            seen.add(now());
            seen.add(Loop.current().orElse(null));
            seen.add(Thread.currentThread());
        });
        loop.advanceBy(Duration.ofMillis(20).minusNanos(1));
        assertEquals(List.of(), seen, "fired early");
        loop.advanceBy(Duration.ofNanos(1));
        assertEquals(3, seen.size());
        assertEquals(Duration.ofMillis(20), seen.get(0));
        assertSame(l, seen.get(1), "ran as code of the loop");
        assertSame(Thread.currentThread(), seen.get(2), "on the loop's thread: the test loop's driver");
    }

    @Test
    void callbacksFireInDeadlineOrderAndTiesInTheOrderTheyWereScheduled(TestLoop loop) {
        Loop l = loop.loop();
        List<String> order = new ArrayList<>();
        l.callLater(Duration.ofMillis(40), () -> order.add("later at " + now().toMillis()));
        l.callLater(Duration.ofMillis(5), () -> {
            order.add("sooner at " + now().toMillis());
            // scheduled at 5 ms for 20 ms: due with the two below, but scheduled after them
            l.callLater(Duration.ofMillis(15), () -> order.add("from a callback at " + now().toMillis()));
        });
        l.callLater(Duration.ofMillis(20), () -> order.add("tie 1 at " + now().toMillis()));
        l.callLater(Duration.ofMillis(20), () -> order.add("tie 2 at " + now().toMillis()));
        loop.runUntilIdle();
        assertEquals(List.of("sooner at 5", "tie 1 at 20", "tie 2 at 20", "from a callback at 20", "later at 40"), order);
        assertEquals(Duration.ofMillis(40), loop.now());
    }

    @Test
    void cancellingAHandlePreventsTheCallbackAndWithdrawsItsTimer(TestLoop loop) {
        Loop l = loop.loop();
        List<String> ran = new ArrayList<>();
        Handle h = l.callLater(Duration.ofMillis(5), () -> ran.add("cancelled one"));
        h.cancel();
        assertTrue(h.isCancelled());
        loop.runUntilIdle();
        assertEquals(Duration.ZERO, loop.now(), "no timer was left for the clock to jump to");
        loop.advanceBy(Duration.ofHours(1));
        assertEquals(List.of(), ran);
    }

    @Test
    void aCallbackCancelledByAnotherDueAtTheSameInstantDoesNotRun(TestLoop loop) {
        Loop l = loop.loop();
        List<String> ran = new ArrayList<>();
        Handle[] second = {null};
        l.callLater(Duration.ofSeconds(1), () -> {
            ran.add("first");
            second[0].cancel();
        });
        second[0] = l.callLater(Duration.ofSeconds(1), () -> ran.add("second"));
        loop.advanceBy(Duration.ofSeconds(2));
        assertEquals(List.of("first"), ran);
        assertTrue(second[0].isCancelled());
    }

    @Test
    void aHugeDelayNeverFiresAndCanBeCancelled(TestLoop loop) {
        List<String> ran = new ArrayList<>();
        Handle h = loop.loop().callLater(HUGE, () -> ran.add("huge"));
        loop.advanceBy(Duration.ofDays(365L * 100));
        loop.advanceBy(Duration.ofSeconds(Long.MAX_VALUE)); // to the end of the virtual clock
        assertEquals(List.of(), ran, "a huge delay fired (overflow?) at " + loop.now());
        assertFalse(h.isCancelled());
        h.cancel();
        assertTrue(h.isCancelled());
    }
}

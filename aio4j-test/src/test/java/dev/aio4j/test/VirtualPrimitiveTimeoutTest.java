package dev.aio4j.test;

import static dev.aio4j.test.Instants.now;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aio4j.Async;
import dev.aio4j.AsyncEvent;
import dev.aio4j.AsyncLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Timeouts on the waits of the synchronisation primitives, in virtual time. */
@ExtendWith(TestLoopExtension.class)
class VirtualPrimitiveTimeoutTest {

    @Test
    void waitForOnAnAcquireGivesUpAtTheDeadlineAndTheWaiterNeverGetsTheLock(TestLoop loop) throws Exception {
        AsyncLock lock = new AsyncLock();
        List<String> events = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.run(() -> lock.acquire().thenCompose(held -> {
            // the lock is held until 30 s; the other task waits for it 20 s at most
            Async.sleep(Duration.ofSeconds(30)).thenRun(() -> {
                events.add("released at " + now().toSeconds() + " s");
                lock.release();
            });
            return Async.waitFor(lock.acquire(), Duration.ofSeconds(20))
                    .whenComplete((v, e) -> events.add("gave up at " + now().toSeconds() + " s"));
        })));
        loop.runUntilIdle();
        assertEquals(List.of("gave up at 20 s", "released at 30 s"), events);
        assertFalse(lock.isLocked(), "the lock went to the waiter that timed out");
    }

    /** The JDK's {@code orTimeout} on a primitive's wait, as the primitives' own tests use it. */
    @Test
    void orTimeoutOnAnEventWaitFailsAtItsDelay(TestLoop loop) throws Exception {
        AsyncEvent never = new AsyncEvent();
        assertThrows(TimeoutException.class, () -> loop.run(() -> never.await().orTimeout(100, TimeUnit.MILLISECONDS)));
        assertEquals(Duration.ofMillis(100), loop.now());
    }
}

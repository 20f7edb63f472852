package dev.aio4j;

import static dev.aio4j.Support.FOREVER;
import static dev.aio4j.Support.assertCollected;
import static dev.aio4j.Support.assertEndsCancelled;
import static dev.aio4j.Support.assertFailsWith;
import static dev.aio4j.Support.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ShieldTest {

    @Test
    void theShieldCompletesAsTheStageDoes() throws Exception {
        IOException io = new IOException("io");
        assertEquals("v", get(Async.shield(Async.sleep(Duration.ofMillis(2), "v"))));
        assertSame(io, assertFailsWith(IOException.class, Async.shield(CompletableFuture.failedFuture(io))));
    }

    @Test
    void cancellingTheShieldLeavesTheStageRunning() throws Exception {
        Task<String> inner = Async.sleep(Duration.ofMillis(20), "v");
        CompletableFuture<String> plain = new CompletableFuture<>();
        Task<String> s1 = Async.shield(inner);
        Task<String> s2 = Async.shield(plain);
        assertTrue(s1.cancel());
        assertTrue(s2.cancel());
        assertTrue(s1.isCancelled());
        assertEquals("v", get(inner));
        get(Async.sleep(Duration.ofMillis(5)));
        assertFalse(plain.isDone());
        plain.complete("p");
    }

    @Test
    void cancellingATaskThatAwaitsAShieldLeavesTheStageRunning() throws Exception {
        Loop loop = Loop.create("shield");
        try {
            AsyncEvent gate = new AsyncEvent(); // the inner work ends when the test says so, after the cancel
            Task<String> inner = Support.onLoop(loop, () -> Async.task(() -> gate.await().thenApply(x -> "v")));
            Task<String> outer = loop.task(() -> Async.shield(inner));
            Support.sync(loop);
            assertTrue(outer.cancel());
            assertEndsCancelled(outer);
            Support.sync(loop); // the cancellation has reached the loop
            gate.set();
            assertEquals("v", get(inner));
        } finally {
            loop.close();
        }
    }

    @Test
    void theStageCancelledCancelsTheShield() {
        Task<String> inner = Async.sleep(FOREVER, "v");
        Task<String> s = Async.shield(inner);
        inner.cancel();
        assertEndsCancelled(s);
    }

    @Test
    void repeatedCancelledShieldsOnOneLongLivedTaskLeaveItNoCallbacks() {
        Task<String> longLived = Async.sleep(FOREVER, "long");
        List<WeakReference<Object>> shields = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            Task<String> s = Async.shield(longLived);
            s.cancel();
            Support.awaitDone(s);
            shields.add(new WeakReference<>(s));
        }
        // a shield stops listening on the loop soon after cancel(); assertCollected polls until then
        assertCollected(shields, "cancelled shields");
        assertFalse(longLived.isDone());
        longLived.cancel();
    }

    @Test
    void shieldChecksItsArgument() {
        assertEquals("stage", assertThrows(NullPointerException.class, () -> Async.shield(null)).getMessage());
    }

    private static <T> T get(java.util.concurrent.Future<T> f) {
        try {
            return Support.get(f);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

package dev.aio4j.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.Async;
import dev.aio4j.Loop;
import dev.aio4j.LoopOptions;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** A request id in the MDC stays with its request across toThread, gather, callbacks and the shared loop. */
class MdcContextPropagatorTest {
    private static final MdcContextPropagator MDC_PROPAGATOR = new MdcContextPropagator();

    @AfterEach
    void clean() {
        MDC.clear();
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** One request: logs (records the MDC) at each hop; returns every request id it saw. */
    private static CompletableFuture<List<String>> handle(String id) {
        MDC.put("requestId", id);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        seen.add(MDC.get("requestId"));
        Task<String> blocking = Async.toThread(() -> MDC.get("requestId"));
        Task<String> child = Async.task(() -> Async.sleep(Duration.ofMillis(1)).thenApply(x -> MDC.get("requestId")));
        return Async.gather(blocking, child).thenApply(ids -> {
            seen.addAll(ids);
            seen.add(MDC.get("requestId"));
            return seen;
        });
    }

    @Test
    void aRequestIdFollowsItsRequestOnASingleThreadedLoop() throws Exception {
        try (Loop loop = Loop.create("mdc-single", LoopOptions.defaults().contextPropagator(MDC_PROPAGATOR))) {
            List<Task<List<String>>> requests = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String id = "req-" + i;
                requests.add(loop.task(() -> handle(id)));
            }
            for (int i = 0; i < requests.size(); i++) {
                for (String seen : get(requests.get(i))) assertEquals("req-" + i, seen);
            }
            // the loop thread keeps no request's id between steps
            assertNull(get(loop.task(() -> {
                MDC.clear();
                return CompletableFuture.completedFuture(null);
            }).thenCompose(x -> Async.toThread(() -> MDC.get("requestId")))));
        }
    }

    @Test
    void aRequestIdFollowsItsRequestOnTheSharedLoop() throws Exception {
        Async.registerContextPropagator(MDC_PROPAGATOR);
        try {
            List<Task<List<String>>> requests = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                MDC.put("requestId", "shared-" + i);
                int k = i;
                requests.add(Async.task(() -> handle("shared-" + k)));
            }
            MDC.clear();
            for (int i = 0; i < requests.size(); i++) {
                for (String seen : get(requests.get(i))) assertEquals("shared-" + i, seen);
            }
        } finally {
            Async.unregisterContextPropagator(MDC_PROPAGATOR);
        }
    }

    @Test
    void theCallersMdcIsBackAfterLoopRunAndAPutInsideATaskStaysWithThatTask() throws Exception {
        MDC.put("user", "alice");
        List<String> seen = Loop.run(LoopOptions.defaults().contextPropagator(MDC_PROPAGATOR), () -> {
            MDC.put("user", "bob"); // the main task's own change
            return Async.sleep(Duration.ZERO).thenCompose(x -> Async.toThread(() -> MDC.get("user")))
                    .thenApply(onThread -> List.of(onThread, MDC.get("user")));
        });
        assertEquals(List.of("bob", "bob"), seen);
        assertEquals("alice", MDC.get("user"), "Loop.run's thread has its own MDC back");
    }

    @Test
    void snapshotsAreImmutableAndUnchangedStepsKeepTheirSnapshot() {
        MDC.put("a", "1");
        var snap = MDC_PROPAGATOR.capture();
        MDC.put("a", "2");
        assertEquals("1", snap.get("a"));
        Object prev = MDC_PROPAGATOR.install(snap);
        assertEquals("1", MDC.get("a"));
        assertTrue(MDC_PROPAGATOR.recapture(snap) == snap, "no change: same snapshot");
        MDC.put("b", "x");
        assertEquals("x", MDC_PROPAGATOR.recapture(snap).get("b"));
        MDC_PROPAGATOR.restore(prev);
        assertEquals("2", MDC.get("a"));
        assertNull(MDC.get("b"));
    }
}

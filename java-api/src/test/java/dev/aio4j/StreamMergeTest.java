package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link AsyncStream#merge}: arrival order, each input's order kept, failure and cancellation reach every input. */
@Timeout(60)
class StreamMergeTest {

    /** {@code name-0 .. name-(n-1)}, one every {@code everyMillis}; counts its cleanups. */
    private static AsyncStream<String> ticking(String name, int n, long everyMillis, AtomicInteger cleanups) {
        return AsyncStream.generate(out -> {
            int[] i = {0};
            return Async.repeatWhile(() -> Async.sleep(Duration.ofMillis(everyMillis))
                            .thenCompose(x -> out.emit(name + "-" + i[0]++))
                            .thenApply(v -> i[0] < n))
                    .whenComplete((v, e) -> cleanups.incrementAndGet());
        });
    }

    private static List<String> of(List<String> items, String prefix) {
        List<String> out = new ArrayList<>();
        for (String s : items) if (s.startsWith(prefix)) out.add(s);
        return out;
    }

    @Test
    void everyItemArrivesAndEachInputKeepsItsOrder() throws Exception {
        AtomicInteger cleanups = new AtomicInteger();
        List<String> got = Loop.run(() -> AsyncStream.merge(ticking("a", 5, 1, cleanups), ticking("b", 3, 2, cleanups), AsyncStream.of("c-0"))
                .toList());
        assertEquals(9, got.size(), got::toString);
        assertEquals(List.of("a-0", "a-1", "a-2", "a-3", "a-4"), of(got, "a-"));
        assertEquals(List.of("b-0", "b-1", "b-2"), of(got, "b-"));
        assertEquals(List.of("c-0"), of(got, "c-"));
        assertEquals(2, cleanups.get());
    }

    @Test
    void theFirstFailureCancelsTheOtherInputsAndFailsTheStream() throws Exception {
        AtomicInteger cleanups = new AtomicInteger();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        IOException e = assertThrows(IOException.class, () -> Loop.run(() -> AsyncStream.merge(
                        ticking("slow", 1_000, 5, cleanups),
                        AsyncStream.<String>generate(out -> Async.sleep(Duration.ofMillis(20))
                                .thenCompose(x -> java.util.concurrent.CompletableFuture.failedFuture(new IOException("input failed")))))
                .forEach(seen::add)));
        assertEquals("input failed", e.getMessage());
        assertEquals(1, cleanups.get(), "the other input was cancelled and cleaned up");
        assertTrue(seen.size() < 1_000, "the slow input did not run to its end");
    }

    @Test
    void takingFewerItemsCancelsEveryInput() throws Exception {
        AtomicInteger cleanups = new AtomicInteger();
        List<String> got = Loop.run(() -> AsyncStream.merge(ticking("a", 1_000, 1, cleanups), ticking("b", 1_000, 1, cleanups))
                .take(10).toList());
        assertEquals(10, got.size());
        assertEquals(2, cleanups.get(), "both inputs were cancelled and cleaned up before Loop.run returned");
    }

    @Test
    void mergingNothingIsEmptyAndNullsAreRefused() throws Exception {
        assertEquals(List.of(), Loop.run(() -> AsyncStream.<String>merge().toList()));
        assertThrows(NullPointerException.class, () -> AsyncStream.merge((AsyncStream<String>[]) null));
        assertThrows(NullPointerException.class, () -> AsyncStream.merge(AsyncStream.of("x"), null));
    }

    @Test
    void onTheSharedLoopNothingIsLostOrDuplicated() throws Exception {
        AtomicInteger cleanups = new AtomicInteger();
        List<AsyncStream<String>> inputs = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < 500; i++) items.add(k + "-" + i);
            inputs.add(AsyncStream.fromIterable(items));
        }
        @SuppressWarnings("unchecked")
        AsyncStream<String>[] array = inputs.toArray(new AsyncStream[0]);
        List<String> got = Async.await(Loop.shared().task(() -> AsyncStream.merge(array).toList()));
        assertEquals(4_000, got.size());
        assertEquals(4_000, new java.util.HashSet<>(got).size());
        for (int k = 0; k < 8; k++) {
            List<String> mine = of(got, k + "-");
            for (int i = 0; i < 500; i++) assertEquals(k + "-" + i, mine.get(i));
        }
    }

    @Test
    void cancellingTheTerminalTaskCancelsEveryInputAndLoopRunWaitsForTheirCleanup() throws Exception {
        AtomicInteger cleanups = new AtomicInteger();
        java.util.concurrent.CompletableFuture<Void> twoItems = new java.util.concurrent.CompletableFuture<>();
        AtomicInteger seen = new AtomicInteger();
        boolean cancelled = Loop.run(() -> {
            Task<Void> t = AsyncStream.merge(ticking("a", 1_000_000, 1, cleanups), ticking("b", 1_000_000, 1, cleanups))
                    .forEach(x -> {
                        if (seen.incrementAndGet() == 2) twoItems.complete(null);
                    });
            return twoItems.thenCompose(v -> {
                t.cancel(true);
                return t.handle((r, e) -> t.isCancelled());
            });
        });
        assertTrue(cancelled);
        assertEquals(2, cleanups.get(), "both inputs were cancelled and their cleanup ran before Loop.run returned");
    }
}

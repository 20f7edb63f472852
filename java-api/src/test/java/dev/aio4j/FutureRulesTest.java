package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 3: one future behaviour. Every future aio4j hands out — a task, the waiter of each
 * sync primitive, and every stage derived from either — follows the same rules, checked here on
 * each kind in turn.
 */
class FutureRulesTest {
    /** Pending futures of every kind, made on the calling loop (each call makes a fresh one). */
    private static Map<String, Supplier<CompletableFuture<?>>> pendingKinds() {
        Map<String, Supplier<CompletableFuture<?>>> kinds = new LinkedHashMap<>();
        kinds.put("task", () -> Async.sleep(Duration.ofDays(1)));
        kinds.put("lock waiter", () -> {
            AsyncLock lock = new AsyncLock();
            lock.tryAcquire();
            return lock.acquire();
        });
        kinds.put("semaphore waiter", () -> new AsyncSemaphore(0).acquire());
        kinds.put("event waiter", () -> new AsyncEvent().await());
        kinds.put("queue get", () -> AsyncQueue.<String>fifo(0).get());
        kinds.put("queue put", () -> {
            AsyncQueue<String> q = AsyncQueue.fifo(1);
            q.putNowait("full");
            return q.put("waiting");
        });
        kinds.put("barrier waiter", () -> new AsyncBarrier(2).await());
        Map<String, Supplier<CompletableFuture<?>>> all = new LinkedHashMap<>(kinds);
        for (Map.Entry<String, Supplier<CompletableFuture<?>>> k : kinds.entrySet()) {
            all.put(k.getKey() + ".thenApply", () -> k.getValue().get().thenApply(x -> x));
            all.put(k.getKey() + ".thenCompose.whenComplete", () -> k.getValue().get()
                    .thenCompose(x -> new CompletableFuture<>()).whenComplete((v, e) -> { }));
        }
        return all;
    }

    @Test
    void cancelReturningTrueMeansCancelledDoneAndExceptionalAtOnce() throws Exception {
        try (Loop loop = Loop.create("rules")) {
            List<String> broken = new ArrayList<>();
            for (Map.Entry<String, Supplier<CompletableFuture<?>>> kind : pendingKinds().entrySet()) {
                CompletableFuture<?> f = Support.onLoop(loop, () -> kind.getValue().get());
                boolean cancelled = f.cancel(true);
                if (!cancelled || !f.isCancelled() || !f.isDone() || !f.isCompletedExceptionally()) {
                    broken.add(kind.getKey() + ": cancel=" + cancelled + " isCancelled=" + f.isCancelled());
                }
                assertThrows(CancellationException.class, f::join, kind.getKey());
            }
            assertEquals(List.of(), broken);
        }
    }

    @Test
    void cancellingADerivedStageCancelsItsRootFirst() throws Exception {
        try (Loop loop = Loop.create("root-first")) {
            AsyncLock lock = new AsyncLock();
            Support.onLoop(loop, lock::acquire);
            List<String> order = new ArrayList<>();
            CompletableFuture<Void> waiter = Support.onLoop(loop, lock::acquire);
            CompletableFuture<Void> derived = waiter.whenComplete((v, e) -> order.add("root saw " + e.getClass().getSimpleName()))
                    .thenApply(x -> x);
            assertTrue(derived.cancel(true));
            assertTrue(waiter.isCancelled(), "the root waiter was not withdrawn");
            assertEquals(List.of("root saw CancellationException"), order);
            Support.onLoop(loop, () -> {
                lock.release();
                return null;
            });
            Support.sync(loop);
            assertFalse(lock.isLocked(), "the withdrawn waiter kept the lock");
        }
    }

    @Test
    void copyKeepsCancellationLocalForEveryKind() throws Exception {
        try (Loop loop = Loop.create("copy")) {
            for (Map.Entry<String, Supplier<CompletableFuture<?>>> kind : pendingKinds().entrySet()) {
                CompletableFuture<?> f = Support.onLoop(loop, () -> kind.getValue().get());
                CompletableFuture<?> copy = f.copy();
                assertTrue(copy.cancel(true));
                assertFalse(f.isDone(), kind.getKey() + ": cancelling the copy reached the original");
                f.cancel(true);
            }
        }
    }

    @Test
    void blockingOnTheOwnLoopThreadIsRefusedForEveryKind() throws Exception {
        try (Loop loop = Loop.create("no-deadlock")) {
            for (Map.Entry<String, Supplier<CompletableFuture<?>>> kind : pendingKinds().entrySet()) {
                String outcome = Support.onLoop(loop, () -> {
                    CompletableFuture<?> f = kind.getValue().get();
                    try {
                        f.join();
                        return "joined";
                    } catch (IllegalStateException expected) {
                        assertThrows(IllegalStateException.class, f::get);
                        assertThrows(IllegalStateException.class, () -> f.get(1, TimeUnit.SECONDS));
                        f.cancel(true);
                        return "refused";
                    }
                });
                assertEquals("refused", outcome, kind.getKey());
            }
        }
    }

    @Test
    void theReadOnlyRuleIsTheSameOnEveryKind() throws Exception {
        try (Loop loop = Loop.create("read-only")) {
            for (Map.Entry<String, Supplier<CompletableFuture<?>>> kind : pendingKinds().entrySet()) {
                @SuppressWarnings("unchecked")
                CompletableFuture<Object> f = (CompletableFuture<Object>) Support.onLoop(loop, () -> kind.getValue().get());
                String k = kind.getKey();
                assertThrows(UnsupportedOperationException.class, () -> f.complete("x"), k);
                assertThrows(UnsupportedOperationException.class, () -> f.obtrudeValue("x"), k);
                assertThrows(UnsupportedOperationException.class, () -> f.obtrudeException(new RuntimeException()), k);
                assertThrows(UnsupportedOperationException.class, () -> f.completeAsync(() -> "x"), k);
                assertThrows(UnsupportedOperationException.class, () -> f.completeOnTimeout("x", 1, TimeUnit.SECONDS), k);
                assertFalse(f.isDone(), k);
                f.cancel(true);
            }
        }
    }

    @Test
    void theDefaultExecutorIsTheLoopTheFutureBelongsTo() throws Exception {
        try (Loop loop = Loop.create("executor")) {
            for (Map.Entry<String, Supplier<CompletableFuture<?>>> kind : pendingKinds().entrySet()) {
                CompletableFuture<?> f = Support.onLoop(loop, () -> kind.getValue().get());
                assertSame(loop, f.defaultExecutor(), kind.getKey());
                f.cancel(true);
            }
        }
    }
}

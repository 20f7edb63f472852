package dev.aio4j;

import static dev.aio4j.Support.FOREVER;
import static dev.aio4j.Support.done;
import static dev.aio4j.Support.get;
import static dev.aio4j.Support.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class IntrospectionTest {

    @Test
    void currentTaskIsTheTaskWhoseBodyRuns() throws Exception {
        AtomicReference<Object> seen = new AtomicReference<>();
        Task<String> t = Async.task(() -> {
            seen.set(Async.currentTask().orElse(null));
            return done("x");
        });
        get(t);
        assertSame(t, seen.get());
        Loop loop = Loop.create("introspection");
        try {
            Task<String> u = loop.task(() -> {
                seen.set(Async.currentTask().orElse(null));
                return done("y");
            });
            get(u);
            assertSame(u, seen.get());
        } finally {
            loop.close();
        }
    }

    @Test
    void currentTaskIsTheMainTaskInLoopRun() throws Exception {
        String name = Loop.run(() -> done(Async.currentTask().orElseThrow().name()));
        assertEquals("main", name);
    }

    @Test
    void currentTaskOfNestedBodiesIsEachOwnTask() throws Exception {
        Object[] seen = Loop.run(() -> {
            Task<?> outer = Async.currentTask().orElseThrow();
            Task<Object> inner = Async.task(() -> done(Async.currentTask().orElseThrow()));
            return inner.thenApply(in -> new Object[] {outer, in, inner, Async.currentTask()});
        });
        assertFalse(seen[0] == seen[1]);
        assertSame(seen[2], seen[1]);
        assertEquals(Optional.empty(), seen[3], "a continuation is no task's body");
    }

    @Test
    void currentTaskIsEmptyOutsideTaskBodies() throws Exception {
        assertEquals(Optional.empty(), Async.currentTask());
        Loop loop = Loop.create("introspection-callbacks");
        try {
            assertEquals(Optional.empty(), onLoop(loop, Async::currentTask));
        } finally {
            loop.close();
        }
    }

    @Test
    void allTasksListsThePendingTasksOfTheCurrentLoop() throws Exception {
        Loop.run(() -> {
            Task<?> main = Async.currentTask().orElseThrow();
            CompletableFuture<String> gate = new CompletableFuture<>();
            Task<String> a = Async.task("a", () -> gate);
            Task<String> b = Async.task("b", () -> Async.sleep(Duration.ofMillis(1), "b"));
            Set<Task<?>> during = Async.allTasks();
            assertTrue(during.containsAll(Set.of(main, a, b)), during.toString());
            return b.thenCompose(x -> {
                gate.complete("a");
                return a;
            }).thenCompose(x -> Async.sleep(Duration.ZERO)).thenApply(x -> {
                Set<Task<?>> after = Async.allTasks();
                assertFalse(after.contains(a));
                assertFalse(after.contains(b));
                assertTrue(after.contains(main));
                return null;
            });
        });
    }

    @Test
    void allTasksOfALoopIsEmptyOnceItsTasksHaveFinished() throws Exception {
        Loop loop = Loop.create("introspection-all");
        try {
            CompletableFuture<String> gate = new CompletableFuture<>();
            Task<String> a = loop.task(() -> gate);
            Task<Void> b = loop.task(() -> Async.sleep(FOREVER));
            Set<Task<?>> during = onLoop(loop, Async::allTasks);
            assertTrue(during.containsAll(Set.of(a, b)), during.toString());
            assertFalse(Async.allTasks().contains(a), "the shared loop lists another loop's task");
            gate.complete("a");
            get(a);
            b.cancel();
            Support.awaitDone(b);
            Support.sync(loop);
            assertEquals(Set.of(), onLoop(loop, Async::allTasks));
        } finally {
            loop.close();
        }
    }

    @Test
    void allTasksOffLoopListsTheSharedLoopsPendingTasks() {
        Task<Void> t = Async.sleep(FOREVER);
        assertTrue(Async.allTasks().contains(t));
        t.cancel();
        assertFalse(Async.allTasks().contains(t));
    }
}

package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Task groups: every rule of {@link Async#taskGroup}, as a user sees it. */
@Timeout(20)
class TaskGroupTest {
    static final Duration FOREVER = Duration.ofHours(1);
    static final int SCALE = Integer.getInteger("stress.scale", 1);

    /** A future that ignores cancel(), like an operation that cannot be interrupted. */
    static final class Stubborn<T> extends CompletableFuture<T> {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }
    }

    /** Runs {@code s} on {@code loop}'s thread (so Async helpers use that loop) and returns its value. */
    static <T> T onLoop(Loop loop, Supplier<T> s) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.callSoon(() -> {
            try {
                f.complete(s.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(5, TimeUnit.SECONDS);
    }

    static <T> CompletableFuture<T> failing(Throwable t) {
        return Async.sleep(Duration.ZERO).thenCompose(x -> CompletableFuture.failedFuture(t));
    }

    // ------------------------------------------------------------------ completion

    @Test
    void groupCompletesWithTheBodysValueOnlyAfterEveryChildHasFinished() throws Exception {
        List<String> events = new ArrayList<>(); // touched on the loop thread only
        String value = Loop.run(() -> Async.taskGroup(group -> {
            for (int i = 1; i <= 3; i++) {
                int n = i;
                group.task("c" + n, () -> Async.sleep(Duration.ofMillis(n * 5L), n).whenComplete((v, e) -> events.add("child " + n)));
            }
            return Async.sleep(Duration.ZERO, "body").whenComplete((v, e) -> events.add("body"));
        }).whenComplete((v, e) -> events.add("group")));
        assertEquals("body", value);
        assertEquals(List.of("body", "child 1", "child 2", "child 3", "group"), events);
    }

    @Test
    void groupWithNoChildrenCompletesAsItsBody() throws Exception {
        assertEquals("only body", Loop.run(() -> Async.taskGroup(group -> Async.sleep(Duration.ZERO, "only body"))));
        assertNull(Loop.run(() -> Async.taskGroup(group -> CompletableFuture.completedFuture(null))));
    }

    @Test
    void childrenCanStartMoreChildrenAndTheGroupWaitsForThemAll() throws Exception {
        List<Integer> done = Collections.synchronizedList(new ArrayList<>());
        Loop.run(() -> Async.taskGroup(group -> {
            group.task(() -> Async.sleep(Duration.ZERO).thenApply(x -> {
                group.task(() -> Async.sleep(Duration.ofMillis(10)).thenRun(() -> done.add(2)));
                return done.add(1);
            }));
            return CompletableFuture.completedFuture("body done at once");
        }));
        assertEquals(List.of(1, 2), done);
    }

    // ------------------------------------------------------------------ failure

    @Test
    void firstFailureCancelsTheOthersAndTheGroupFailsOnlyAfterTheirCleanup() {
        IOException boom = new IOException("boom");
        List<String> events = new ArrayList<>();
        Task<?>[] sleeper = new Task<?>[1];
        Exception thrown = assertThrows(IOException.class, () -> Loop.run(() -> Async.taskGroup(group -> {
            sleeper[0] = group.task("sleeper", () -> Async.sleep(FOREVER)
                    .whenComplete((v, e) -> events.add("sleeper cleanup: " + e.getClass().getSimpleName())));
            group.task("failer", () -> failing(boom));
            return Async.sleep(FOREVER, "body").whenComplete((v, e) -> events.add("body cleanup"));
        }).whenComplete((v, e) -> events.add("group failed"))));
        assertSame(boom, thrown);
        assertTrue(sleeper[0].isCancelled());
        assertEquals(Set.of("sleeper cleanup: CancellationException", "body cleanup", "group failed"), new HashSet<>(events));
        assertEquals("group failed", events.get(events.size() - 1), "the group failed before its children finished: " + events);
    }

    @Test
    void failuresThatArriveWhileTheGroupShutsDownAreSuppressedInTheFirst() {
        IOException first = new IOException("first");
        IOException later = new IOException("later");
        Stubborn<String> body = new Stubborn<>(); // the group cannot cancel it: it fails on its own, later
        Exception thrown = assertThrows(IOException.class, () -> Loop.run(() -> Async.taskGroup(group -> {
            group.task(() -> Async.sleep(Duration.ZERO).thenCompose(x -> {
                Loop.current().orElseThrow().callSoon(() -> body.completeExceptionally(later));
                return CompletableFuture.failedFuture(first);
            }));
            return body;
        })));
        assertSame(first, thrown);
        assertEquals(List.of(later), Arrays.asList(thrown.getSuppressed()));
    }

    @Test
    void aFailureSeenTwiceIsNotSuppressedInItself() {
        IOException boom = new IOException("boom");
        Exception thrown = assertThrows(IOException.class, () -> Loop.run(() -> Async.taskGroup(group -> {
            Task<Object> a = group.task(() -> failing(boom));
            return a.thenApply(x -> "never"); // the body's stage fails with the same exception
        })));
        assertSame(boom, thrown);
        assertEquals(0, thrown.getSuppressed().length);
    }

    @Test
    void childrenFailingTogetherOnTheSharedLoopReportEveryFailureOnce() throws Exception {
        for (int round = 0; round < 30 * SCALE; round++) {
            int n = 6;
            CompletableFuture<Void> go = new CompletableFuture<>();
            List<IOException> errors = new ArrayList<>();
            List<Task<Object>> kids = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch started = new CountDownLatch(1);
            Task<String> g = Async.taskGroup(group -> {
                for (int i = 0; i < n; i++) {
                    IOException e = new IOException("child " + i);
                    errors.add(e);
                    kids.add(group.task(() -> go.thenApplyAsync(x -> {
                        throw new CompletionException(e);
                    }, Loop.shared())));
                }
                started.countDown();
                return Async.sleep(FOREVER, "body");
            });
            assertTrue(started.await(5, TimeUnit.SECONDS));
            go.complete(null);
            ExecutionException failure = assertThrows(ExecutionException.class, () -> g.get(5, TimeUnit.SECONDS));
            Throwable main = failure.getCause();
            assertTrue(errors.contains(main), "the group failed with " + main);
            List<Throwable> suppressed = Arrays.asList(main.getSuppressed());
            assertEquals(suppressed.size(), new HashSet<>(suppressed).size(), "reported twice: " + suppressed);
            assertFalse(suppressed.contains(main));
            for (Task<Object> kid : kids) {
                assertTrue(kid.isDone(), kid + " still runs after its group ended");
                if (kid.isCancelled()) continue;
                Throwable e = kid.exception();
                assertTrue(e == main || suppressed.contains(e), "the failure of " + kid + " was lost");
            }
        }
    }

    @Test
    void aBodyThatThrowsCancelsTheChildrenAndFailsTheGroup() {
        IllegalArgumentException bad = new IllegalArgumentException("bad");
        Task<?>[] kid = new Task<?>[1];
        Exception thrown = assertThrows(IllegalArgumentException.class, () -> Loop.run(() -> Async.taskGroup(group -> {
            kid[0] = group.task(() -> Async.sleep(FOREVER));
            throw bad;
        })));
        assertSame(bad, thrown);
        assertTrue(kid[0].isCancelled());
    }

    @Test
    void aBodyThatReturnsNullFailsTheGroupWithNullPointerException() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Loop.run(() -> Async.taskGroup(group -> null)));
        assertTrue(e.getMessage().contains("returned null"), e.getMessage());
    }

    @Test
    void aChildCancelledOnItsOwnDoesNotFailTheGroup() throws Exception {
        List<Task<?>> kids = new ArrayList<>();
        String value = Loop.run(() -> Async.taskGroup(group -> {
            Task<Void> sleeper = group.task(() -> Async.sleep(FOREVER));
            kids.add(sleeper);
            kids.add(group.task(() -> {
                Async.currentTask().orElseThrow().cancel(); // cancels itself
                return new CompletableFuture<>();
            }));
            kids.add(group.task(() -> {
                CompletableFuture<Object> f = new CompletableFuture<>();
                f.cancel(true); // its stage is cancelled by someone else
                return f;
            }));
            return Async.sleep(Duration.ofMillis(5)).thenApply(x -> {
                sleeper.cancel();
                return "ok";
            });
        }));
        assertEquals("ok", value);
        for (Task<?> k : kids) assertTrue(k.isCancelled(), k.toString());
    }

    @Test
    void aBodyStageCancelledBySomeoneElseCancelsTheGroup() throws Exception {
        Task<?>[] kid = new Task<?>[1];
        AtomicReference<Task<String>> group = new AtomicReference<>();
        Loop.run(() -> {
            CompletableFuture<String> bodyStage = new CompletableFuture<>();
            Task<String> g = Async.taskGroup(gr -> {
                kid[0] = gr.task(() -> Async.sleep(FOREVER));
                return bodyStage;
            });
            group.set(g);
            return Async.sleep(Duration.ZERO).thenCompose(x -> {
                bodyStage.cancel(true);
                return g.handle((v, e) -> null);
            });
        });
        assertTrue(group.get().isCancelled());
        assertTrue(kid[0].isCancelled());
    }

    // ------------------------------------------------------------------ cancellation

    @Test
    void cancellingTheGroupCancelsBodyAndChildrenWhoseCleanupRunsOnTheLoop() throws Exception {
        try (Loop loop = Loop.create("group-cancel")) {
            CountDownLatch running = new CountDownLatch(2);
            CountDownLatch cleaned = new CountDownLatch(3);
            Set<String> cleanupThreads = Collections.synchronizedSet(new HashSet<>());
            List<Task<Void>> kids = Collections.synchronizedList(new ArrayList<>());
            Task<String> g = onLoop(loop, () -> Async.taskGroup(group -> {
                for (int i = 0; i < 2; i++) {
                    kids.add(group.task(() -> {
                        running.countDown();
                        return Async.sleep(FOREVER).whenComplete((v, e) -> {
                            cleanupThreads.add(Thread.currentThread().getName());
                            cleaned.countDown();
                        });
                    }));
                }
                return Async.sleep(FOREVER, "body").whenComplete((v, e) -> {
                    cleanupThreads.add(Thread.currentThread().getName());
                    cleaned.countDown();
                });
            }));
            assertTrue(running.await(5, TimeUnit.SECONDS));
            assertTrue(g.cancel());
            assertTrue(g.isCancelled(), "a cancelled group is done at once");
            assertTrue(cleaned.await(5, TimeUnit.SECONDS));
            assertEquals(Set.of("aio4j-loop-group-cancel"), cleanupThreads);
            for (Task<Void> k : kids) assertTrue(k.isCancelled());
            assertThrows(CancellationException.class, g::join);
        }
    }

    @Test
    void aGroupCancelledBeforeItStartsNeverRunsItsBody() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        Loop.run(() -> {
            Task<String> g = Async.taskGroup(group -> {
                ran.set(true);
                return Async.sleep(Duration.ZERO, "x");
            });
            g.cancel();
            return Async.sleep(Duration.ofMillis(5));
        });
        assertFalse(ran.get());
    }

    /** CPython gh-116720: a cancellation that arrives while the group shuts down after a failure is not swallowed. */
    @Test
    void anOuterCancellationArrivingWhileTheGroupShutsDownAfterAFailureWins() throws Exception {
        Stubborn<String> body = new Stubborn<>();
        CompletableFuture<Void> childFailed = new CompletableFuture<>();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        AtomicReference<String> whileShuttingDown = new AtomicReference<>();
        Loop.run(() -> {
            Task<String> g = Async.taskGroup("g", group -> {
                group.task(() -> failing(new IOException("child failed")).whenComplete((v, e) -> childFailed.complete(null)));
                return body;
            });
            return childFailed.thenCompose(x -> Async.sleep(Duration.ZERO)).thenCompose(x -> {
                whileShuttingDown.set(g.toString());
                assertTrue(g.cancel("outer"), "the group must still be pending while it shuts down");
                body.completeExceptionally(new IOException("body failed while ending"));
                return g.handle((v, e) -> {
                    outcome.set(e);
                    return null;
                });
            });
        });
        assertEquals("Task[g, pending, awaiting its body (shutting down)]", whileShuttingDown.get());
        assertInstanceOf(CancellationException.class, outcome.get());
        assertEquals("outer", outcome.get().getMessage());
    }

    /** The same with the cancellation coming from a task that awaits the group. */
    @Test
    void cancellingATaskThatAwaitsAShuttingDownGroupCancelsBoth() throws Exception {
        Stubborn<String> body = new Stubborn<>();
        CompletableFuture<Void> childFailed = new CompletableFuture<>();
        List<Task<?>> tasks = new ArrayList<>();
        Loop.run(() -> {
            Task<String> parent = Async.task(() -> {
                Task<String> g = Async.taskGroup(group -> {
                    group.task(() -> failing(new IOException("child failed")).whenComplete((v, e) -> childFailed.complete(null)));
                    return body;
                });
                tasks.add(g);
                return g;
            });
            tasks.add(parent);
            return childFailed.thenCompose(x -> Async.sleep(Duration.ZERO)).thenCompose(x -> {
                assertTrue(parent.cancel());
                return Async.sleep(Duration.ZERO); // the cancellation travels to the group on the loop
            }).thenCompose(x -> {
                body.complete("too late");
                return Async.sleep(Duration.ZERO);
            });
        });
        assertTrue(tasks.get(0).isCancelled(), "parent: " + tasks.get(0));
        assertTrue(tasks.get(1).isCancelled(), "group: " + tasks.get(1));
    }

    /** Races an outer cancel against the body completing or a child failing, from two threads. */
    @Test
    void anOuterCancellationRacingTheGroupsEndIsNeverSwallowed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Loop loop = Loop.create("group-race")) {
            for (int i = 0; i < 300 * SCALE; i++) {
                CompletableFuture<String> bodyStage = new CompletableFuture<>();
                CompletableFuture<String> childStage = new CompletableFuture<>();
                CountDownLatch bodyRan = new CountDownLatch(1);
                Task<String> g = onLoop(loop, () -> Async.taskGroup(group -> {
                    group.task(() -> childStage);
                    bodyRan.countDown();
                    return bodyStage;
                }));
                assertTrue(bodyRan.await(5, TimeUnit.SECONDS));
                boolean failChild = (i & 1) == 1;
                IOException boom = new IOException("boom");
                CountDownLatch go = new CountDownLatch(1);
                var ender = pool.submit(() -> {
                    go.await();
                    if (failChild) childStage.completeExceptionally(boom);
                    else {
                        childStage.complete("c");
                        bodyStage.complete("v");
                    }
                    return null;
                });
                var canceller = pool.submit(() -> {
                    go.await();
                    return g.cancel();
                });
                go.countDown();
                ender.get(5, TimeUnit.SECONDS);
                boolean cancelled = canceller.get(5, TimeUnit.SECONDS);
                Throwable outcome = g.handle((v, e) -> e).get(5, TimeUnit.SECONDS);
                if (cancelled) {
                    assertTrue(g.isCancelled(), "cancel() returned true but " + g);
                } else if (failChild) {
                    assertSame(boom, outcome);
                } else {
                    assertNull(outcome);
                    assertEquals("v", g.join());
                }
                bodyStage.complete("v"); // let a failing group end
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ refusing new children

    @Test
    void startingAChildInAFinishedGroupIsRefusedAndItsBodyNeverRuns() throws Exception {
        TaskGroup[] ref = new TaskGroup[1];
        AtomicBoolean ran = new AtomicBoolean();
        String message = Loop.run(() -> Async.taskGroup("done-group", group -> {
            ref[0] = group;
            return Async.sleep(Duration.ZERO, "x");
        }).thenApply(v -> assertThrows(IllegalStateException.class, () -> ref[0].task(() -> {
            ran.set(true);
            return CompletableFuture.completedFuture(1);
        })).getMessage()));
        assertTrue(message.contains("done-group has finished"), message);
        assertEquals("TaskGroup[done-group, finished]", ref[0].toString());
        // also after its loop has closed: still "finished"
        IllegalStateException later = assertThrows(IllegalStateException.class, () -> ref[0].task("late", () -> {
            ran.set(true);
            return CompletableFuture.completedFuture(1);
        }));
        assertTrue(later.getMessage().contains("has finished: it cannot start late"), later.getMessage());
        assertFalse(ran.get());
    }

    @Test
    void startingAChildInACancelledGroupIsRefusedAtOnce() throws Exception {
        TaskGroup[] ref = new TaskGroup[1];
        AtomicBoolean ran = new AtomicBoolean();
        String message = Loop.run(() -> {
            Task<String> g = Async.taskGroup("cancelled-group", group -> {
                ref[0] = group;
                return Async.sleep(FOREVER, "x");
            });
            return Async.sleep(Duration.ZERO).thenApply(x -> {
                g.cancel(); // its children are cancelled later, on the loop; new ones are refused already
                return assertThrows(IllegalStateException.class, () -> ref[0].task(() -> {
                    ran.set(true);
                    return CompletableFuture.completedFuture(1);
                })).getMessage();
            });
        });
        assertTrue(message.contains("cancelled-group is shutting down"), message);
        assertFalse(ran.get());
    }

    @Test
    void startingAChildWhileTheGroupShutsDownAfterAFailureIsRefused() throws Exception {
        Stubborn<String> body = new Stubborn<>();
        TaskGroup[] ref = new TaskGroup[1];
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Void> childFailed = new CompletableFuture<>();
        String message = Loop.run(() -> {
            Async.taskGroup("failing-group", group -> {
                ref[0] = group;
                group.task(() -> failing(new IOException("x")).whenComplete((v, e) -> childFailed.complete(null)));
                return body;
            });
            return childFailed.thenCompose(x -> Async.sleep(Duration.ZERO)).thenApply(x -> {
                String m = assertThrows(IllegalStateException.class, () -> ref[0].task(() -> {
                    ran.set(true);
                    return CompletableFuture.completedFuture(1);
                })).getMessage();
                assertEquals("TaskGroup[failing-group, shutting down]", ref[0].toString());
                body.complete("end");
                return m;
            });
        });
        assertTrue(message.contains("failing-group is shutting down"), message);
        assertFalse(ran.get());
    }

    // ------------------------------------------------------------------ nesting

    @Test
    void anInnerGroupsFailureFailsTheOuterBodyAtTheAwait() {
        IOException boom = new IOException("inner boom");
        Task<?>[] outerChild = new Task<?>[1];
        Exception thrown = assertThrows(IOException.class, () -> Loop.run(() -> Async.taskGroup("outer", outer -> {
            outerChild[0] = outer.task(() -> Async.sleep(FOREVER));
            Task<String> inner = Async.taskGroup("inner", in -> {
                in.task(() -> failing(boom));
                return Async.sleep(FOREVER, "inner value");
            });
            return inner.thenApply(v -> "outer got " + v);
        })));
        assertSame(boom, thrown);
        assertTrue(outerChild[0].isCancelled());
    }

    @Test
    void theOuterBodyCanHandleAnInnerGroupsFailureWhereItAwaitsIt() throws Exception {
        IOException boom = new IOException("inner boom");
        String value = Loop.run(() -> Async.taskGroup(outer -> Async.taskGroup(in -> {
            in.task(() -> failing(boom));
            return Async.sleep(FOREVER, "inner value");
        }).exceptionally(e -> "recovered from " + e.getMessage())));
        assertEquals("recovered from inner boom", value);
    }

    @Test
    void anInnerGroupRunningAsAChildFailsTheOuterGroup() {
        IOException boom = new IOException("inner boom");
        Exception thrown = assertThrows(IOException.class, () -> Loop.run(() -> Async.taskGroup(outer -> {
            outer.task(() -> Async.taskGroup(in -> {
                in.task(() -> failing(boom));
                return Async.sleep(FOREVER, "x");
            }));
            return Async.sleep(FOREVER, "outer");
        })));
        assertSame(boom, thrown);
    }

    @Test
    void cancellingTheOuterGroupCancelsInnerGroupsAndTheirChildren() throws Exception {
        List<Task<?>> inners = new ArrayList<>();
        CompletableFuture<Void> cleanedA = new CompletableFuture<>();
        CompletableFuture<Void> cleanedB = new CompletableFuture<>();
        CountDownLatch grandchildren = new CountDownLatch(2);
        Task<?>[] outerRef = new Task<?>[1];
        Loop.run(() -> {
            Task<String> outer = Async.taskGroup(o -> {
                o.task(() -> Async.taskGroup(i -> { // an inner group as a child
                    inners.add(Async.currentTask().orElseThrow());
                    i.task(() -> {
                        grandchildren.countDown();
                        return Async.sleep(FOREVER).whenComplete((v, e) -> cleanedA.complete(null));
                    });
                    return Async.sleep(FOREVER, "a");
                }));
                return Async.taskGroup(i -> { // an inner group as the body's stage
                    inners.add(Async.currentTask().orElseThrow());
                    i.task(() -> {
                        grandchildren.countDown();
                        return Async.sleep(FOREVER).whenComplete((v, e) -> cleanedB.complete(null));
                    });
                    return Async.sleep(FOREVER, "b");
                });
            });
            outerRef[0] = outer;
            return Async.toThread(() -> grandchildren.await(5, TimeUnit.SECONDS)).thenCompose(started -> {
                assertTrue(started);
                outer.cancel();
                return CompletableFuture.allOf(cleanedA, cleanedB); // hangs (and times out) unless the cancel reaches them
            });
        });
        assertTrue(outerRef[0].isCancelled());
        assertEquals(2, inners.size());
        for (Task<?> t : inners) assertTrue(t.isCancelled(), t.toString());
    }

    // ------------------------------------------------------------------ loops and threads

    @Test
    void childrenRunOnTheGroupsLoopEvenWhenStartedFromAnotherThread() throws Exception {
        try (Loop loop = Loop.create("group-home")) {
            CompletableFuture<TaskGroup> ready = new CompletableFuture<>();
            CompletableFuture<String> release = new CompletableFuture<>();
            AtomicReference<Object> bodyCurrent = new AtomicReference<>();
            Task<String> g = onLoop(loop, () -> Async.taskGroup(group -> {
                bodyCurrent.set(Async.currentTask().orElse(null));
                ready.complete(group);
                return release;
            }));
            TaskGroup group = ready.get(5, TimeUnit.SECONDS);
            assertSame(g, bodyCurrent.get(), "the body runs as the group's task");
            AtomicReference<Object> childCurrent = new AtomicReference<>();
            Task<String> child = group.task("from-outside", () -> {
                childCurrent.set(Async.currentTask().orElse(null));
                return CompletableFuture.completedFuture(Thread.currentThread().getName());
            });
            assertEquals("aio4j-loop-group-home", child.get(5, TimeUnit.SECONDS));
            assertSame(child, childCurrent.get());
            release.complete("done");
            assertEquals("done", g.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aGroupStartedOutsideAnyLoopRunsOnTheSharedLoop() throws Exception {
        Task<List<Object>> g = Async.taskGroup(group -> {
            Task<Object> a = group.task(() -> CompletableFuture.completedFuture(Loop.current().orElse(null)));
            Task<Object> b = group.task(() -> Async.sleep(Duration.ofMillis(2), Loop.current().orElse(null)));
            return Async.gather(a, b);
        });
        assertEquals(List.of(Loop.shared(), Loop.shared()), g.get(5, TimeUnit.SECONDS));
        assertSame(Loop.shared(), g.loop());
    }

    // ------------------------------------------------------------------ introspection

    @Test
    void toStringTellsWhatTheGroupAwaits() throws Exception {
        List<String> seen = new ArrayList<>();
        TaskGroup[] ref = new TaskGroup[1];
        Loop.run(() -> {
            CompletableFuture<String> release = new CompletableFuture<>();
            Task<?>[] a = new Task<?>[1];
            Task<String> g = Async.taskGroup("report", group -> {
                ref[0] = group;
                a[0] = group.task("a", () -> Async.sleep(FOREVER));
                group.task("b", () -> release);
                return release;
            });
            Task<String> parent = Async.task("fetch", () -> g);
            return Async.sleep(Duration.ZERO).thenCompose(x -> {
                seen.add(g.toString());
                seen.add(parent.toString());
                seen.add(ref[0].toString());
                a[0].cancel();
                return Async.sleep(Duration.ZERO);
            }).thenCompose(x -> {
                seen.add(g.toString());
                release.complete("r");
                return g;
            }).thenApply(x -> {
                seen.add(g.toString());
                seen.add(ref[0].toString());
                return x;
            });
        });
        assertEquals(List.of(
                "Task[report, pending, awaiting its body and 2 children]",
                "Task[fetch, pending, awaiting Task[report]]",
                "TaskGroup[report, 2 children]",
                "Task[report, pending, awaiting its body and 1 child]",
                "Task[report, done]",
                "TaskGroup[report, finished]"), seen);
    }

    @Test
    void argumentsAreChecked() {
        assertEquals("body", assertThrows(NullPointerException.class, () -> Async.taskGroup(null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> Async.taskGroup(null, g -> null)).getMessage());
        assertEquals("body", assertThrows(NullPointerException.class, () -> Async.taskGroup("n", null)).getMessage());
        Task<String> g = Async.taskGroup(group -> {
            assertEquals("body", assertThrows(NullPointerException.class, () -> group.task(null)).getMessage());
            assertEquals("name", assertThrows(NullPointerException.class, () -> group.task(null, () -> null)).getMessage());
            assertEquals("body", assertThrows(NullPointerException.class, () -> group.task("n", null)).getMessage());
            return CompletableFuture.completedFuture("checked");
        });
        assertEquals("checked", g.join());
    }
}

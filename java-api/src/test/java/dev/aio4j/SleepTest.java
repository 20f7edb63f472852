package dev.aio4j;

import static dev.aio4j.Support.FOREVER;
import static dev.aio4j.Support.HUGE;
import static dev.aio4j.Support.assertEndsCancelled;
import static dev.aio4j.Support.get;
import static dev.aio4j.Support.onLoop;
import static dev.aio4j.Support.unwrap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class SleepTest {
    private Loop loop;

    @BeforeEach
    void startLoop() {
        loop = Loop.create("sleep-test");
    }

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void sleepWithAValueCompletesWithIt() throws Exception {
        assertEquals("v", get(Async.sleep(Duration.ofMillis(1), "v")));
        assertEquals("w", get(loop.task(() -> Async.sleep(Duration.ofMillis(1), "w"))));
        assertEquals("z", get(Async.sleep(Duration.ZERO, "z")));
    }

    @Test
    void sleepRunsOnTheCurrentLoop() throws Exception {
        Task<Task<Void>> made = loop.task(() -> Support.done(Async.sleep(FOREVER)));
        assertSame(loop, get(made).loop());
        assertSame(Loop.shared(), Async.sleep(Duration.ZERO).loop());
        get(made).cancel();
    }

    @Test
    void sleepZeroYieldsToEveryTaskThatIsReady() throws Exception {
        List<String> events = Loop.run(() -> {
            List<String> ev = new ArrayList<>();
            Task<Void> a = Async.task(() -> {
                ev.add("a1");
                return Async.sleep(Duration.ZERO).thenApply(x -> {
                    ev.add("a2");
                    return null;
                });
            });
            Task<Void> b = Async.task(() -> {
                ev.add("b1");
                return Async.sleep(Duration.ZERO).thenApply(x -> {
                    ev.add("b2");
                    return null;
                });
            });
            return Async.gather(a, b).thenApply(x -> ev);
        });
        assertEquals(List.of("a1", "b1", "a2", "b2"), events);
    }

    @Test
    void sleepZeroInterleavesThreeTasksRoundRobin() throws Exception {
        Steps steps = new Steps();
        Loop.run(() -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                int id = k;
                tasks.add(Async.task(() -> {
                    steps.expect(1 + id);
                    return Async.sleep(Duration.ZERO).thenCompose(x -> {
                        steps.expect(4 + id);
                        return Async.sleep(Duration.ZERO);
                    }).thenApply(x -> {
                        steps.expect(7 + id);
                        return null;
                    });
                }));
            }
            return Async.gather(tasks);
        });
        steps.finish(10);
    }

    @Test
    void sleepZeroLetsCallbacksScheduledBeforeItRunFirst() throws Exception {
        List<String> events = Loop.run(() -> {
            List<String> ev = new ArrayList<>();
            Loop.current().orElseThrow().callSoon(() -> ev.add("callback"));
            return Async.sleep(Duration.ZERO).thenApply(x -> {
                ev.add("after sleep(0)");
                return ev;
            });
        });
        assertEquals(List.of("callback", "after sleep(0)"), events);
    }

    @Test
    void sleepZeroIsNotDoneBeforeTheLoopHadATurn() throws Exception {
        Boolean doneAtOnce = onLoop(loop, () -> Async.sleep(Duration.ZERO).isDone());
        assertFalse(doneAtOnce);
    }

    @Test
    void aHugeSleepNeitherOverflowsNorFiresEarlyAndStaysCancellable() throws Exception {
        for (Duration huge : List.of(HUGE, Duration.ofSeconds(Long.MAX_VALUE), Duration.ofNanos(Long.MAX_VALUE))) {
            Task<Void> onLoop = onLoop(loop, () -> Async.sleep(huge));
            Task<Void> shared = Async.sleep(huge);
            get(onLoop(loop, () -> Async.sleep(Duration.ofMillis(20))));
            get(Async.sleep(Duration.ofMillis(20)));
            assertFalse(onLoop.isDone(), "a huge sleep fired early on a loop: " + huge);
            assertFalse(shared.isDone(), "a huge sleep fired early on the shared loop: " + huge);
            assertTrue(onLoop.cancel());
            assertTrue(shared.cancel());
            assertEndsCancelled(onLoop);
            assertEndsCancelled(shared);
        }
    }

    @Test
    void sleepChecksItsArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Async.sleep(Duration.ofSeconds(-1)));
        assertEquals("delay < 0: PT-1S", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Async.sleep(Duration.ofNanos(-1), "v"));
        assertEquals("delay", assertThrows(NullPointerException.class, () -> Async.sleep(null)).getMessage());
        assertEquals("delay", assertThrows(NullPointerException.class, () -> Async.sleep(null, "v")).getMessage());
    }

    @Test
    void cancellingASleepEndsItAndItsWaiters() throws Exception {
        Task<Void> sleep = onLoop(loop, () -> Async.sleep(FOREVER));
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        sleep.whenComplete((v, e) -> seen.complete(e));
        Task<Void> waiter = loop.task(() -> sleep);
        Support.sync(loop);
        assertTrue(sleep.cancel());
        assertInstanceOf(CancellationException.class, unwrap(get(seen)));
        assertEndsCancelled(waiter);
        assertFalse(onLoop(loop, () -> Async.allTasks().contains(sleep)));
    }

    @Test
    void cancellingASleepingTaskStopsItsSleep() throws Exception {
        List<Task<Void>> sleeps = new ArrayList<>();
        Task<Void> t = loop.task(() -> {
            Task<Void> s = Async.sleep(FOREVER);
            sleeps.add(s);
            return s;
        });
        Support.sync(loop);
        t.cancel();
        assertEndsCancelled(onLoop(loop, () -> sleeps.get(0)));
    }
}

package dev.aio4j;

import static dev.aio4j.Support.await;
import static dev.aio4j.Support.done;
import static dev.aio4j.Support.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** Task dumps as a user reads them: who awaits whom, cycles, bounds, consistency, JMX. */
class TaskDumpTest {

    /** Runs nothing, on the loop: when it is done, every step posted before it has run (FIFO). */
    private static void settle(Loop loop) throws Exception {
        loop.runUntilComplete(loop.task(() -> done(null)));
    }

    private static TaskInfo info(TaskDump dump, String name) {
        return dump.tasks().stream().filter(i -> i.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + dump));
    }

    @Test
    void aDumpShowsWhatEachTaskAwaitsAndWhoAwaitsIt() throws Exception {
        try (Loop loop = Loop.create("dump-basic")) {
            AsyncEvent event = new AsyncEvent();
            Task<Void> worker = loop.task("worker", event::await);
            Task<Void> boss = loop.task("boss", () -> worker);
            settle(loop);

            TaskDump dump = loop.dumpTasks();
            TaskInfo w = info(dump, "worker");
            assertEquals(TaskInfo.State.PENDING, w.state());
            assertTrue(w.awaiting().startsWith("AsyncEvent[unset"), w.awaiting());
            assertEquals(List.of("boss"), w.awaitedBy());
            TaskInfo b = info(dump, "boss");
            assertEquals("Task[worker]", b.awaiting());
            assertEquals("dump-basic", b.loop());

            String text = dump.toString();
            int workerLine = text.indexOf("Task[worker] PENDING");
            int bossLine = text.indexOf("└ Task[boss] PENDING");
            assertTrue(workerLine >= 0 && bossLine > workerLine, "boss is shown under the task it awaits:\n" + text);

            event.set();
            get(boss);
            settle(loop);
            assertFalse(loop.dumpTasks().tasks().stream().anyMatch(i -> i.name().equals("boss")), "finished tasks are not in a dump");
        }
    }

    @Test
    void tasksAwaitingEachOtherAreShownAsACycle() throws Exception {
        try (Loop loop = Loop.create("dump-cycle")) {
            List<Task<Object>> ref = new ArrayList<>(List.of());
            Task<Void> setup = loop.task(() -> {
                // both bodies run in later steps, when both tasks exist
                ref.add(loop.task("a", () -> ref.get(1)));
                ref.add(loop.task("b", () -> ref.get(0)));
                return done(null);
            });
            get(setup);
            settle(loop);

            TaskDump dump = loop.dumpTasks();
            assertEquals("Task[b]", info(dump, "a").awaiting());
            assertEquals("Task[a]", info(dump, "b").awaiting());
            String text = dump.toString();
            assertTrue(text.contains("cycle (deadlock): Task[a] -> Task[b] -> Task[a]")
                    || text.contains("cycle (deadlock): Task[b] -> Task[a] -> Task[b]"), text);
            for (TaskInfo i : dump.tasks()) assertNotEquals("Task[" + i.name() + "]", i.awaiting(), "a task never awaits itself");

            ref.get(0).cancel(true);
            Support.awaitDone(ref.get(1));
        }
    }

    @Test
    void aBigDumpIsBoundedAndCountsTheRest() throws Exception {
        try (Loop loop = Loop.create("dump-big")) {
            AsyncEvent event = new AsyncEvent();
            for (int i = 0; i < 1500; i++) loop.task("waiter-" + i, event::await);
            settle(loop);

            TaskDump dump = loop.dumpTasks();
            assertEquals(1500, dump.tasks().size());
            String text = dump.toString();
            long taskLines = text.lines().filter(l -> l.contains("Task[waiter-")).count();
            assertEquals(TaskInfos.MAX_LISTED, taskLines);
            assertTrue(text.contains("500 more tasks not listed, by state: {PENDING=500}"), text.substring(text.length() - 300));
            assertTrue(text.contains("500 awaiting AsyncEvent[unset"), text.substring(text.length() - 300));
            event.set();
        }
    }

    @Test
    void aLoopStuckInAStepCanStillBeDumped() throws Exception {
        try (Loop loop = Loop.create("dump-stuck")) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Task<Void> stuck = loop.task("stuck", () -> {
                entered.countDown();
                await(release); // blocks the loop thread: the bug a dump is for
                return done(null);
            });
            await(entered);
            TaskDump dump = loop.dumpTasks();
            assertEquals(TaskInfo.State.PENDING, info(dump, "stuck").state());
            release.countDown();
            get(stuck);
        }
    }

    @Test
    void dumpingWhileManyTasksChurnNeverThrows() throws Exception {
        try (Loop loop = Loop.create("dump-churn")) {
            int n = 100_000;
            Task<Integer> churn = loop.task("churn", () -> {
                List<Task<Integer>> ts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int k = i;
                    ts.add(loop.task(() -> Async.sleep(Duration.ZERO, k)));
                }
                return Async.gather(ts).thenApply(List::size);
            });
            Task<Integer> shared = Async.task(() -> {
                List<Task<Integer>> ts = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) ts.add(Async.task(() -> Async.sleep(Duration.ZERO, 1)));
                return Async.gather(ts).thenApply(List::size);
            });
            int dumps = 0;
            do {
                TaskDump d = Async.dumpTasks();
                for (TaskInfo i : d.tasks()) assertNotEquals("Task[" + i.name() + "]", i.awaiting(), "a task never awaits itself");
                assertTrue(d.toString().startsWith("Task dump of all loops"));
                dumps++;
            } while (!churn.isDone() || dumps < 3);
            assertEquals(n, get(churn));
            assertEquals(10_000, get(shared));
        }
    }

    @Test
    void everyRunningLoopIsInTheGlobalDump() throws Exception {
        try (Loop one = Loop.create("dump-one"); Loop two = Loop.create("dump-two")) {
            CompletableFuture<Void> never = new CompletableFuture<>();
            Task<Void> a = one.task("on-one", () -> never);
            Task<Void> b = two.task("on-two", () -> never);
            settle(one);
            settle(two);
            TaskDump dump = Async.dumpTasks();
            assertEquals("dump-one", info(dump, "on-one").loop());
            assertEquals("dump-two", info(dump, "on-two").loop());
            assertTrue(dump.toString().contains("Loop[dump-one]"), dump.toString());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            dump.print(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("Task[on-two]"));
            a.cancel(true);
            b.cancel(true);
        }
    }

    @Test
    void eachLoopHasAnMBeanUntilItCloses() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.aio4j:type=Loop,name=dump-jmx");
        Loop loop = Loop.create("dump-jmx");
        try {
            assertTrue(server.isRegistered(name));
            assertTrue(server.isRegistered(new ObjectName("dev.aio4j:type=Loop,name=shared")));
            CompletableFuture<Void> never = new CompletableFuture<>();
            Task<Void> t = loop.task("seen-by-jmx", () -> never);
            settle(loop);
            String dump = (String) server.invoke(name, "dumpTasks", new Object[0], new String[0]);
            assertTrue(dump.contains("Task[seen-by-jmx] PENDING"), dump);
            assertTrue((Integer) server.getAttribute(name, "PendingTasks") >= 1);
            assertTrue((Long) server.getAttribute(name, "StepsTotal") >= 1);
            assertEquals(0L, server.getAttribute(name, "SlowSteps"));
            t.cancel(true);
        } finally {
            loop.close();
        }
        assertFalse(server.isRegistered(name), "unregistered when the loop closes");
    }

    @Test
    void aDumpOfTasksCreatedInDebugModeShowsAgeAndCreationSite() throws Exception {
        try (Loop loop = Loop.create("dump-debug", LoopOptions.defaults().debug(DebugOptions.on().creationSites(true)))) {
            CompletableFuture<Void> never = new CompletableFuture<>();
            Task<Void> t = loop.task("traced", () -> never);
            settle(loop);
            TaskInfo i = info(loop.dumpTasks(), "traced");
            assertFalse(i.createdAt().isEmpty());
            assertEquals(TaskDumpTest.class.getName(), i.createdAt().get(0).getClassName());
            assertFalse(i.age().isNegative());
            assertTrue(t.toString().contains("created at " + TaskDumpTest.class.getName()), t.toString());
            t.cancel(true);
        }
    }

    static CompletionStage<Void> unused() {
        return done(null);
    }
}

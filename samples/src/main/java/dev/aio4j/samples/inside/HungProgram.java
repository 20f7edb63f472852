package dev.aio4j.samples.inside;

import dev.aio4j.Async;
import dev.aio4j.AsyncLock;
import dev.aio4j.DebugOptions;
import dev.aio4j.Loop;
import dev.aio4j.ReturnWhen;
import dev.aio4j.LoopOptions;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.List;

/**
 * A program that hangs, diagnosed with a task dump ({@code python -m asyncio pstree} for aio4j).
 *
 * <p>Two transfers lock two accounts in opposite order, each holding one lock while it waits for
 * the other: a deadlock. Nothing fails and nothing is logged; the program just stops making
 * progress. A supervisor gives the batch a deadline and, when it passes, prints
 * {@code loop.dumpTasks()}: every live task, what it awaits and who awaits it. The dump shows the
 * two transfers each waiting for a lock that the other holds (debug mode records lock owners and
 * where each task was created). The same dump is available from outside the process through the
 * loop's JMX MBean ({@code dev.aio4j:type=Loop,name=bank}, operation {@code dumpTasks}), e.g. in
 * JConsole.
 */
public final class HungProgram {
    private HungProgram() {}

    static final AsyncLock ALICE = new AsyncLock();
    static final AsyncLock BOB = new AsyncLock();

    /** Locks {@code first}, works a little, then locks {@code second}: the classic lock-order bug. */
    static Task<String> transfer(String name, AsyncLock first, AsyncLock second) {
        return Async.task(name, () -> first.acquire()
                .thenCompose(x -> Async.sleep(Duration.ofMillis(10)))
                .thenCompose(x -> second.acquire())
                .thenApply(x -> {
                    second.release();
                    first.release();
                    return name + " done";
                }));
    }

    public static void run() throws Exception {
        run(Duration.ofMillis(500));
    }

    /** Runs the batch, and dumps the tasks if it has not finished within {@code patience}. */
    static void run(Duration patience) throws Exception {
        LoopOptions debug = LoopOptions.defaults().debug(DebugOptions.on().creationSites(true));
        try (Loop bank = Loop.create("bank", debug)) {
            Task<Object> batch = bank.task("batch", () -> {
                Task<String> aliceToBob = transfer("alice->bob", ALICE, BOB);
                Task<String> bobToAlice = transfer("bob->alice", BOB, ALICE);
                return Async.gather(aliceToBob, bobToAlice).thenApply(r -> (Object) r);
            });
            // a deadline that cancels nothing (waitFor would cancel the batch: there would be nothing left to see)
            bank.runUntilComplete(Async.wait(List.of(batch), ReturnWhen.ALL_COMPLETED, patience));
            if (batch.isDone()) {
                System.out.println("batch finished");
                return;
            }
            System.out.println("batch is stuck after " + patience.toMillis() + " ms; the tasks say why:");
            System.out.println(bank.dumpTasks());
            batch.cancel(true); // the loop's debug mode then reports the locks the cancelled transfers still held
        }
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

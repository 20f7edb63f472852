package dev.aio4j.samples;

import dev.aio4j.Async;
import dev.aio4j.Done;
import dev.aio4j.Loop;
import dev.aio4j.ReturnWhen;
import dev.aio4j.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code Async.wait} three ways over the same jobs: return at the first completion, then give
 * the rest half a second, then wait for whatever is still pending. {@code wait} hands back the
 * done and the pending tasks; it raises nothing and cancels nothing, even on a timeout.
 *
 * <p>asyncio: {@code done, pending = await asyncio.wait(tasks, return_when=FIRST_COMPLETED)},
 * then {@code asyncio.wait(pending, timeout=1)}, then {@code asyncio.wait(pending)}.
 */
public final class WaitModes {
    private WaitModes() {}

    /** How long each job sleeps (asyncio's version: random 0.5 to 5 s). */
    static final long[] JOB_MILLIS = {100, 250, 400, 900, 1100, 1300};

    public static void run() throws Exception {
        Loop.run(() -> {
            List<Task<String>> jobs = new ArrayList<>();
            for (int i = 0; i < JOB_MILLIS.length; i++) {
                String name = "job-" + (i + 1);
                Duration sleep = Duration.ofMillis(JOB_MILLIS[i]);
                jobs.add(Async.task(name, () -> Async.sleep(sleep, name)));
            }
            return Async.wait(jobs, ReturnWhen.FIRST_COMPLETED)
                    .thenCompose(first -> {
                        System.out.println("first completed: " + names(first.done())
                                + ", still pending: " + first.pending().size());
                        return Async.wait(first.pending(), ReturnWhen.ALL_COMPLETED, Duration.ofMillis(500));
                    })
                    .thenCompose(second -> {
                        System.out.println("within 500 ms: " + names(second.done())
                                + ", still pending: " + second.pending().size());
                        return Async.wait(second.pending(), ReturnWhen.ALL_COMPLETED);
                    })
                    .thenApply(third -> {
                        System.out.println("the rest: " + names(third.done())
                                + ", still pending: " + third.pending().size());
                        return null;
                    });
        });
    }

    /** The results of done tasks: {@code result()} never blocks, and these are done. */
    private static String names(Collection<Task<String>> done) {
        return done.stream().map(Task::result).collect(Collectors.joining(", ", "[", "]"));
    }

    public static void main(String[] args) throws Exception {
        run();
    }
}

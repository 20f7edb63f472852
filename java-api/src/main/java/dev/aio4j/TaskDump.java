package dev.aio4j;

import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.TaskCore;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of the live tasks of one loop ({@link Loop#dumpTasks()}) or of every running loop
 * ({@link Async#dumpTasks()}): for each task its state, age, what it awaits and which tasks await
 * it — what {@code python -m asyncio pstree} shows for asyncio.
 *
 * <p>{@link #toString()} (and {@link #print}) is the human dump: per loop, each task that awaits no
 * other live task, with the tasks that await it indented under it; tasks that await each other in
 * a circle (a deadlock) are shown as that cycle. At most 1,000 task lines are printed; the rest are
 * counted by state and by what they await. {@link #tasks()} is the same data for programs.
 *
 * <p>Taking a dump costs nothing while nobody dumps: "awaited by" is computed from "awaiting" at
 * dump time. A single-threaded loop lists its tasks on its own thread between two steps; one whose
 * thread is stuck in a long step (the reason to dump, often) is read without its help after a second,
 * which is safe but may miss tasks created or finished in that moment. Ages and creation sites are
 * known on loops in debug mode ({@link DebugOptions}); elsewhere the age is {@link java.time.Duration#ZERO}.
 *
 * <p>The same text is available outside the process: each loop made by {@link Loop#create} (and
 * the loop of {@link Loop#run} once it has run for a second, and the shared loop) has a JMX MBean
 * {@code dev.aio4j:type=Loop,name=<loop>} (a second loop of the same name: {@code <loop>#2}) with
 * the operation {@code dumpTasks()} and the attributes {@code PendingTasks},
 * {@code ReadyQueueLength}, {@code Timers}, {@code StepsTotal} and {@code SlowSteps}, when the
 * {@code java.management} module is present ({@code -Daio4j.jmx=false} turns it off).
 *
 * @since 0.2.0
 */
public final class TaskDump {
    private final Instant takenAt;
    private final List<TaskInfo> tasks;
    private final String text;

    private TaskDump(Instant takenAt, List<TaskInfo> tasks, String text) {
        this.takenAt = takenAt;
        this.tasks = List.copyOf(tasks);
        this.text = text;
    }

    /** Dumps the live tasks of {@code loops}. */
    static TaskDump of(String what, List<LoopCore> loops) {
        Instant now = Instant.now();
        List<TaskCore> cores = new ArrayList<>();
        List<TaskInfo> infos = TaskInfos.infos(loops, cores);
        String header = "Task dump of " + what + " at " + now;
        return new TaskDump(now, infos, TaskInfos.tree(header, infos, cores));
    }

    /**
     * The live tasks, oldest first per loop: pending tasks, and tasks that are done but whose work
     * is still ending (a cancelled task running its cleanup). Finished tasks are not in a dump.
     *
     * @return an unmodifiable list, never null
     */
    public List<TaskInfo> tasks() {
        return tasks;
    }

    /**
     * When the dump was taken (wall-clock time).
     *
     * @return the instant, never null
     */
    public Instant takenAt() {
        return takenAt;
    }

    /**
     * Prints {@link #toString()} and a line break to {@code out}.
     *
     * @param out where to print
     * @throws NullPointerException if {@code out} is null
     */
    public void print(PrintStream out) {
        Objects.requireNonNull(out, "out");
        out.println(text);
    }

    /**
     * The human dump: a header, then per loop the tasks as a tree of who awaits whom, cycles
     * shown as cycles, at most 1,000 task lines.
     *
     * @return the dump, never null
     */
    @Override
    public String toString() {
        return text;
    }
}

package dev.aio4j.test;

import dev.aio4j.TaskInfo;
import java.util.List;

/**
 * {@link TestLoop#close()} found tasks still pending (other than background tasks): it cancelled
 * them, waited for them, and reports them. The message ends with the dump taken before the cancel.
 *
 * @since 0.2.0
 */
public final class LeakedTasksError extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** The tasks found pending. */
    private final transient List<TaskInfo> tasks;

    /** The dump taken before they were cancelled. */
    private final String dump;

    LeakedTasksError(List<TaskInfo> tasks, String dump) {
        super(tasks.size() + (tasks.size() == 1 ? " task was" : " tasks were")
                + " still pending when the TestLoop closed (cancelled now; start work you do not await with backgroundTask)\n" + dump);
        this.tasks = List.copyOf(tasks);
        this.dump = dump;
    }

    /**
     * The tasks that were pending, as they were before the cancel.
     *
     * @return the tasks, oldest first; never empty, except on a deserialized copy, which keeps only
     *     the message and the {@link #dump()}
     */
    public List<TaskInfo> tasks() {
        return tasks != null ? tasks : List.of();
    }

    /**
     * The task dump taken before the cancel.
     *
     * @return the dump, never null
     */
    public String dump() {
        return dump;
    }
}

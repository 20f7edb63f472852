package dev.aio4j;

import dev.aio4j.engine.TaskCore;
import dev.aio4j.engine.TaskGroupCore;
import java.util.Objects;

/**
 * The children of a task group (asyncio's {@code TaskGroup}): structured concurrency, on Java 17.
 * A group is made by {@link Async#taskGroup(java.util.function.Function)}, which hands it to the
 * group's body; the body and the tasks running in the group start children with {@link #task}.
 *
 * <pre>{@code
 * Task<Report> report = Async.taskGroup(group -> {
 *     Task<User> user = group.task(() -> fetchUser(id));
 *     Task<List<Order>> orders = group.task(() -> fetchOrders(id));
 *     return user.thenCombine(orders, Report::new);
 * });
 * }</pre>
 *
 * <p>The group's task ends when its body's stage and every child have finished; the first failure
 * cancels everything else in the group and becomes the group's failure (see
 * {@link Async#taskGroup(java.util.function.Function)} for every rule). Children run on the
 * group's loop. Every method is thread-safe.
 *
 * @since 0.1.0
 */
public final class TaskGroup {
    private final TaskGroupCore core;

    TaskGroup(TaskGroupCore core) {
        this.core = core;
    }

    /**
     * Starts {@code body} as a child task of this group on the group's loop (asyncio's
     * {@code TaskGroup.create_task}); its {@code call()} runs soon on that loop. The child completes
     * as the stage its body returns. If it fails, the group shuts down: its body's stage and every
     * other child are cancelled, and the group fails with that failure. Cancelling the child
     * cancels the stage it awaits and does not affect the group; cancelling the group cancels it.
     *
     * @param body the child's code
     * @param <T> the type of the child's result
     * @return the running child
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the group has finished, or is shutting down (it was
     *     cancelled or one of its tasks failed), or its loop is closed; the body is then never run
     */
    public <T> Task<T> task(AsyncCallable<T> body) {
        Objects.requireNonNull(body, "body");
        return start(null, body);
    }

    /**
     * As {@link #task(AsyncCallable)}, with a name for {@link Task#name()} and {@code toString()}.
     *
     * @param name the child's name
     * @param body the child's code
     * @param <T> the type of the child's result
     * @return the running child
     * @throws NullPointerException if {@code name} or {@code body} is null
     * @throws IllegalStateException if the group has finished or is shutting down, or its loop is
     *     closed; the body is then never run
     */
    public <T> Task<T> task(String name, AsyncCallable<T> body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        return start(name, body);
    }

    private <T> Task<T> start(String name, AsyncCallable<T> body) {
        if (!core.isFinished()) core.loop.checkOpen(); // a finished group says so, below
        TaskCore child = core.newChild(body);
        Task<T> task = new Task<>(child, name);
        switch (core.startChild(child)) {
            case STARTED:
                return task;
            case GROUP_FINISHED:
                throw new IllegalStateException("task group " + groupName() + " has finished: it cannot start " + task.name()
                        + "; start children from the group's body or from its running tasks");
            case GROUP_SHUTTING_DOWN:
            default:
                throw new IllegalStateException("task group " + groupName() + " is shutting down (it was cancelled or one of its tasks failed):"
                        + " it cannot start " + task.name());
        }
    }

    private String groupName() {
        return core.host instanceof Task<?> t ? t.name() : "?";
    }

    /**
     * Describes the group: {@code TaskGroup[report, 2 children]}, {@code TaskGroup[report, shutting down]},
     * {@code TaskGroup[report, finished]}.
     */
    @Override
    public String toString() {
        String state;
        if (core.isFinished()) state = "finished";
        else if (!core.isOpen()) state = "shutting down";
        else state = core.childCount() == 1 ? "1 child" : core.childCount() + " children";
        return "TaskGroup[" + groupName() + ", " + state + "]";
    }
}

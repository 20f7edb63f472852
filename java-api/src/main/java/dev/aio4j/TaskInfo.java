package dev.aio4j;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a task dump says about one live task: its name and loop, its state, how long it has lived,
 * what it awaits and which tasks await it. Made at dump time from what the loop already tracks, so
 * keeping tasks dumpable costs nothing while nobody dumps.
 *
 * @param name the task's name ({@link Task#name()})
 * @param loop the name of the task's loop
 * @param state the task's state when the dump was taken
 * @param age how long the task has existed, on its loop's clock (virtual on a test loop);
 *     {@link Duration#ZERO} where the loop does not record creation times
 * @param awaiting what the task waits for ({@code "Task[db-query]"},
 *     {@code "AsyncEvent[unset, waiters=1]"}, {@code "CompletableFuture"}, {@code "a timer"}), or
 *     the empty string
 * @param awaitedBy the names of the live tasks that await this one
 * @param createdAt where the task was created; empty unless the loop records creation sites
 * @since 0.2.0
 */
public record TaskInfo(String name, String loop, State state, Duration age, String awaiting,
                       List<String> awaitedBy, List<StackTraceElement> createdAt) {

    /** The state of a task in a dump. */
    public enum State {
        /** Not complete yet. */
        PENDING,
        /** Completed with a value (its work may still be ending). */
        DONE,
        /** Completed with a failure. */
        FAILED,
        /** Cancelled (its work may still be ending). */
        CANCELLED
    }

    /**
     * Checks the components and copies the lists.
     *
     * @param name the task's name
     * @param loop the name of the task's loop
     * @param state the task's state
     * @param age how long the task has existed
     * @param awaiting what the task waits for, or the empty string
     * @param awaitedBy the names of the tasks that await it
     * @param createdAt where the task was created, or empty
     * @throws NullPointerException if any component is null
     */
    public TaskInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(age, "age");
        Objects.requireNonNull(awaiting, "awaiting");
        awaitedBy = List.copyOf(awaitedBy);
        createdAt = List.copyOf(createdAt);
    }

    /**
     * One line for a dump: {@code Task[worker] PENDING 1h, awaiting AsyncEvent[unset, waiters=1], awaited by [main]}.
     *
     * @return the line, never null
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Task[").append(name).append("] ").append(state);
        if (!age.isZero()) sb.append(' ').append(formatAge(age));
        if (!awaiting.isEmpty()) sb.append(", awaiting ").append(awaiting);
        if (!awaitedBy.isEmpty()) sb.append(", awaited by ").append(awaitedBy);
        for (StackTraceElement e : createdAt) sb.append("\n      created at ").append(e);
        return sb.toString();
    }

    /** {@code 250 ms}, {@code 1.5 s}, or the ISO form without its prefix for a minute and more ({@code 1h}, {@code 2m30s}). */
    private static String formatAge(Duration age) {
        if (age.compareTo(Duration.ofSeconds(1)) < 0) return age.toMillis() + " ms";
        if (age.compareTo(Duration.ofMinutes(1)) < 0 && age.getNano() != 0) {
            return String.format(java.util.Locale.ROOT, "%.1f s", age.toMillis() / 1000.0);
        }
        return age.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}

package dev.aio4j.internal;

import dev.aio4j.AsyncCallable;
import dev.aio4j.DebugOptions;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import dev.aio4j.TaskInfo;
import dev.aio4j.engine.DebugSettings;
import dev.aio4j.engine.EventLoopCore;
import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.LoopFuture;
import java.util.List;
import java.util.Objects;

/**
 * Not API: the few internals of {@code dev.aio4j} that the test module {@code dev.aio4j.test}
 * (its {@code TestLoop}) needs. This package is exported to that module only; {@code dev.aio4j}
 * installs the implementation once, when {@link Loop} is initialised.
 */
public final class TestSupport {
    /** The internals, implemented in {@code dev.aio4j}. */
    public interface Access {
        /** A {@link Loop} facade for a test loop's core. */
        Loop newLoop(EventLoopCore core);

        /** The core behind {@code loop}. */
        LoopCore coreOf(Loop loop);

        /** Starts {@code body} as a task named {@code name} (null: numbered) on {@code core}. */
        <T> Task<T> start(LoopCore core, String name, AsyncCallable<T> body);

        /** The value of a done task, or its failure rethrown unwrapped. */
        <T> T result(Task<T> task) throws Exception;

        /** The live tasks of {@code core}, oldest first. */
        List<TaskInfo> tasks(LoopCore core);

        /** A text dump of {@code tasks} under {@code header}. */
        String dump(String header, List<TaskInfo> tasks);

        /**
         * The tree dump of {@code core}'s live tasks under {@code header} (as {@code TaskDump}'s): each
         * task with its state, what it awaits, and under it the tasks that await it; creation sites on a debug loop.
         */
        String tree(String header, LoopCore core);

        /** The engine's debug settings for {@code options}; null options: those of {@code -Daio4j.debug}. */
        DebugSettings debugSettings(DebugOptions options);

        /** How a future describes itself. */
        String describe(LoopFuture<?> future);
    }

    private static volatile Access access;

    private TestSupport() {}

    /**
     * Installs the implementation; called once by {@code dev.aio4j}.
     *
     * @param a the implementation
     * @throws IllegalStateException if one is installed already
     */
    public static synchronized void install(Access a) {
        Objects.requireNonNull(a, "a");
        if (access != null) throw new IllegalStateException("already installed");
        access = a;
    }

    /**
     * The implementation.
     *
     * @return it, never null
     */
    public static Access access() {
        Access a = access;
        if (a == null) {
            Loop.shared(); // initialising Loop installs it
            a = access;
        }
        return a;
    }
}

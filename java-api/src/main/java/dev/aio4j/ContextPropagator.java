package dev.aio4j;

/**
 * Carries thread-bound context (the SLF4J MDC, a tracing span, a security context) across aio4j's
 * async hops, so that it follows a task instead of a thread.
 *
 * <p>Register one with {@link Async#registerContextPropagator} (every loop, every task created
 * afterwards) or {@link LoopOptions#contextPropagator} (one loop's tasks). aio4j then:
 * <ul>
 *   <li><b>captures</b> the caller's current context when a task is created ({@code Async.task},
 *       {@code loop.task}, {@code group.task}, {@code taskGroup}, and the helpers that create tasks:
 *       {@code sleep}, {@code gather}, {@code waitFor}, ...), when a callback is scheduled
 *       ({@code callSoon}, {@code callLater}, {@code execute}) and when {@code toThread} /
 *       {@code runInExecutor} is called;
 *   <li><b>installs</b> it around every step of that task on its loop's thread (on the shared loop,
 *       on whichever worker runs the step), around the {@code toThread} body on its thread and around
 *       the callback, and afterwards <b>restores</b> what the thread had before — on every exit
 *       path, including a throw, a cancellation and an interrupt;
 *   <li>keeps Python's rule: a change a task makes to its context ({@code MDC.put}) persists for the
 *       rest of that task, and a child gets a copy of its parent's context when it is created, so it
 *       never sees the parent's later changes (and the parent never sees the child's).
 * </ul>
 *
 * <p>Stages derived from a task with the JDK's methods ({@code task.thenApply(fn)}) run in the step
 * that completes the task, so {@code fn} sees the context of the task it hangs on (for
 * {@code Async.sleep(d).thenApply(fn)} in a task's body: the sleep's, a copy of the body's
 * context). The future of a lock, semaphore, event, condition, barrier or queue wait captures the
 * context of the code that waited, so {@code lock.acquire().thenApply(fn)} and
 * {@code queue.get().thenApply(fn)} run {@code fn} in the waiting task's context. A dependent
 * registered by task A on task B ({@code b.thenApply(fn)}) runs in the step that completes B, so
 * it sees B's context, not A's; when A's matters there, start the work as a task in A's code
 * ({@code Async.task(...)}), which carries A's context.
 *
 * <p>Cost: with no propagator registered, one null check per step and nothing allocated; with N
 * propagators, N install/restore pairs and N {@link #recapture} calls per step.
 *
 * @param <S> the type of a snapshot
 * @since 0.2.0
 */
public interface ContextPropagator<S> {
    /**
     * Captures the calling thread's context. Called on the thread that creates a task or
     * schedules a callback.
     *
     * @return a snapshot that stays valid while the thread's context changes (immutable, or a copy);
     *     may be null if that means "no context" to {@link #install}
     */
    S capture();

    /**
     * Makes {@code snapshot} the calling thread's context.
     *
     * @param snapshot what {@link #capture} or {@link #recapture} returned
     * @return the thread's previous state, for {@link #restore}
     */
    Object install(S snapshot);

    /**
     * Puts back the state that {@link #install} returned (never just clears it: the thread may
     * have had a context of its own).
     *
     * @param previous what {@code install} returned
     */
    void restore(Object previous);

    /**
     * After a step that ran with {@code installed}: {@code installed} itself if the thread's
     * context is unchanged, or a new snapshot of it (then the task keeps the new one for its next
     * steps and for the children it creates). The default returns {@link #capture()}, so a
     * propagator whose {@code capture()} returns the same instance while nothing changed costs no
     * allocation; override it where a cheaper comparison exists.
     *
     * @param installed the snapshot the step ran with
     * @return {@code installed} if nothing changed, else the new snapshot
     */
    default S recapture(S installed) {
        return capture();
    }
}

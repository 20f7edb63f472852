package dev.aio4j;

import dev.aio4j.engine.BodyCore;
import dev.aio4j.engine.CallbackHandle;
import dev.aio4j.engine.Delays;
import dev.aio4j.engine.EventLoopCore;
import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.Outcomes;
import dev.aio4j.engine.SharedLoopCore;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiConsumer;

/**
 * Where task code runs (asyncio's event loop).
 *
 * <ul>
 *   <li>{@link #run(AsyncCallable)} runs a main task on a new single-threaded loop driven by the
 *       calling thread and returns its result ({@code asyncio.run}).
 *   <li>{@link #create(String)} starts a single-threaded loop on its own daemon thread; close it
 *       with {@link #close()}.
 *   <li>{@link #shared()} is the process-wide multi-threaded loop (on kotlinx's
 *       {@code Dispatchers.Default}), used by {@link Async}'s helpers called outside any loop.
 * </ul>
 *
 * <p>On a single-threaded loop, task code never runs in parallel with other task code of that
 * loop, so it needs no locks. A loop is an {@link Executor}, so it can be given to
 * {@code thenApplyAsync(fn, loop)}. Every method is thread-safe.
 *
 * @since 0.1.0
 */
public final class Loop implements Executor, AutoCloseable {
    private static final Loop SHARED = new Loop(SharedLoopCore.INSTANCE, false);
    private static final long JMX_AFTER_NANOS = 1_000_000_000L;

    static {
        dev.aio4j.internal.TestSupport.install(new TestAccess());
        dev.aio4j.engine.CreationSites.internalCodeOf(Loop.class); // creation sites skip this jar's frames
    }

    final LoopCore core;
    private final boolean driven;

    private Loop(LoopCore core, boolean driven) {
        this.core = core;
        this.driven = driven;
        core.facade = this;
    }

    /** A facade for a test loop's core (driven by its creator's thread, like {@link #run}'s). */
    static Loop driven(LoopCore core) {
        return new Loop(core, true);
    }

    static Loop of(LoopCore core) {
        Object f = core.facade;
        return f != null ? (Loop) f : SHARED;
    }

    // ------------------------------------------------------------------ creating

    /**
     * Runs {@code main} as a task named "main" on a new single-threaded loop driven by the calling
     * thread, and returns its result ({@code asyncio.run}). When {@code main} has ended, every
     * task still pending on the loop is cancelled and awaited (their cleanup runs on this
     * thread) before this method returns; then the loop is closed.
     *
     * <p>Cancelling: if the main task is cancelled (by its own code), this method throws
     * {@link CancellationException}. Interrupting the calling thread does not stop the loop.
     *
     * @param main the main task's code
     * @param <T> the type of the result
     * @return the main task's value
     * @throws Exception the exception main's task failed with, unwrapped (a
     *     {@link CancellationException} if it was cancelled)
     * @throws NullPointerException if {@code main} is null
     * @throws IllegalStateException if the calling thread already runs a loop (use
     *     {@link Async#task} there)
     */
    public static <T> T run(AsyncCallable<T> main) throws Exception {
        Objects.requireNonNull(main, "main");
        return run(EventLoopCore.driveOnCurrentThread("main"), main);
    }

    /**
     * As {@link #run(AsyncCallable)}, on a loop with {@code options}: debug mode, context
     * propagators of its own.
     *
     * <p>Cancelling: as {@link #run(AsyncCallable)}.
     *
     * @param options the loop's options
     * @param main the main task's code
     * @param <T> the type of the result
     * @return the main task's value
     * @throws Exception the exception main's task failed with, unwrapped (a
     *     {@link CancellationException} if it was cancelled)
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the calling thread already runs a loop
     * @since 0.2.0
     */
    public static <T> T run(LoopOptions options, AsyncCallable<T> main) throws Exception {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(main, "main");
        return run(EventLoopCore.driveOnCurrentThread("main", Observability.settings(options), Observability.hooks(options)), main);
    }

    private static <T> T run(EventLoopCore core, AsyncCallable<T> main) throws Exception {
        new Loop(core, true); // registers itself as the core's facade
        // a main that runs for a second gets its MBean (a hung program is what JMX dumps are for);
        // short runs (tests, benchmarks) never pay for a registration
        core.schedule(new CallbackHandle(core, () -> Jmx.register(core)), JMX_AFTER_NANOS);
        Task<T> task;
        try {
            task = Task.launch(new BodyCore(core, main), "main");
            core.runUntil(task::isDone);
            core.shutdownOnLoopThread();
        } finally {
            core.release();
            Jmx.unregister(core);
        }
        return Async.unwrapResult(task);
    }

    /**
     * Starts a single-threaded loop on a new daemon thread named {@code "aio4j-loop-" + name}.
     * It runs until {@link #close()}.
     *
     * @param name the loop's name, for its thread and diagnostics
     * @return the running loop
     * @throws NullPointerException if {@code name} is null
     */
    public static Loop create(String name) {
        Objects.requireNonNull(name, "name");
        return started(EventLoopCore.start(name));
    }

    /**
     * As {@link #create(String)}, with {@code options}: debug mode
     * ({@code LoopOptions.defaults().debug(DebugOptions.on().slowStep(Duration.ofMillis(100)))}),
     * context propagators of this loop's own.
     *
     * @param name the loop's name, for its thread and diagnostics
     * @param options the loop's options
     * @return the running loop
     * @throws NullPointerException if an argument is null
     * @since 0.2.0
     */
    public static Loop create(String name, LoopOptions options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        return started(EventLoopCore.start(name, Observability.settings(options), Observability.hooks(options)));
    }

    private static Loop started(EventLoopCore core) {
        Loop loop = new Loop(core, false);
        Jmx.register(core);
        return loop;
    }

    /**
     * The process-wide multi-threaded loop: task code runs on kotlinx's {@code Dispatchers.Default}
     * workers (one per core), in parallel. It is never closed.
     *
     * @return the shared loop
     */
    public static Loop shared() {
        return SHARED;
    }

    /**
     * The loop whose thread is calling: a single-threaded loop's thread, or a worker of the shared loop.
     *
     * @return the current loop, or empty when called from any other thread
     */
    public static Optional<Loop> current() {
        LoopCore c = LoopCore.current();
        return c == null ? Optional.empty() : Optional.of(of(c));
    }

    // ------------------------------------------------------------------ tasks and callbacks

    /**
     * Starts {@code body} as a new task on this loop, from any thread (asyncio's
     * {@code create_task}, and {@code run_coroutine_threadsafe} from another thread). The body's
     * {@code call()} runs soon on the loop, not on the calling thread.
     *
     * @param body the task's code
     * @param <T> the type of the result
     * @return the task; it completes as the stage the body returns does, fails with what
     *     {@code call()} throws, and is cancelled by {@link Task#cancel(boolean)} (which cancels
     *     the stage it awaits)
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the loop is closed
     */
    public <T> Task<T> task(AsyncCallable<T> body) {
        Objects.requireNonNull(body, "body");
        core.checkOpen();
        return Task.launch(new BodyCore(core, body), null);
    }

    /**
     * As {@link #task(AsyncCallable)}, with a name for {@link Task#name()} and {@code toString()}.
     *
     * @param name the task's name
     * @param body the task's code
     * @param <T> the type of the result
     * @return the task
     * @throws NullPointerException if {@code name} or {@code body} is null
     * @throws IllegalStateException if the loop is closed
     */
    public <T> Task<T> task(String name, AsyncCallable<T> body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        core.checkOpen();
        return Task.launch(new BodyCore(core, body), name);
    }

    /**
     * Runs {@code callback} soon on this loop, from any thread (asyncio's {@code call_soon} and
     * {@code call_soon_threadsafe}). Callbacks run in the order they were scheduled. One that
     * throws is reported to the exception handler; the loop goes on.
     *
     * @param callback what to run
     * @return a handle that can withdraw the callback before it runs
     * @throws NullPointerException if {@code callback} is null
     * @throws IllegalStateException if the loop is closed
     */
    public Handle callSoon(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        core.checkOpen();
        CallbackHandle h = new CallbackHandle(core, callback);
        core.post(h);
        return new Handle(h);
    }

    /**
     * Runs {@code callback} on this loop once {@code delay} has passed (asyncio's
     * {@code call_later}); a zero delay means soon, as {@link #callSoon}. Cancelling the handle
     * removes the timer at once.
     *
     * @param delay how long to wait; not negative
     * @param callback what to run
     * @return a handle that can withdraw the callback
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code delay} is negative
     * @throws IllegalStateException if the loop is closed
     */
    public Handle callLater(Duration delay, Runnable callback) {
        Async.checkDuration(delay, "delay");
        Objects.requireNonNull(callback, "callback");
        core.checkOpen();
        CallbackHandle h = new CallbackHandle(core, callback);
        long nanos = Delays.toNanos(delay);
        if (nanos == 0L) core.post(h);
        else core.schedule(h, nanos);
        return new Handle(h);
    }

    /**
     * Blocks the calling thread until {@code stage} completes and returns its value (asyncio's
     * {@code run_until_complete}, for a loop that runs on its own thread). Interruption of the
     * waiting thread does not cancel the stage.
     *
     * @param stage what to wait for
     * @param <T> the type of the value
     * @return the stage's value
     * @throws Exception the stage's failure, unwrapped; {@link CancellationException} if it was cancelled
     * @throws NullPointerException if {@code stage} is null
     * @throws IllegalStateException if called on this loop's own thread (it would deadlock) or the loop is closed
     */
    public <T> T runUntilComplete(CompletionStage<T> stage) throws Exception {
        Objects.requireNonNull(stage, "stage");
        if (core.isLoopThread()) {
            throw new IllegalStateException("runUntilComplete on the loop's own thread would deadlock; "
                    + "return the stage from your AsyncCallable to await it instead");
        }
        core.checkOpen();
        try {
            return stage.toCompletableFuture().get();
        } catch (ExecutionException | CancellationException e) {
            throw Async.rethrowable(Outcomes.unwrap(e));
        }
    }

    /**
     * Runs {@code command} soon on this loop ({@link Executor}), so the loop can be passed to
     * {@code thenApplyAsync(fn, loop)}. A command that throws is reported to the exception handler.
     *
     * @param command what to run
     * @throws NullPointerException if {@code command} is null
     * @throws IllegalStateException if the loop is closed
     */
    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        core.execute(command);
    }

    /**
     * A {@link ScheduledExecutorService} view of this loop, for libraries that schedule through
     * one (retry with backoff in Failsafe or Resilience4j, rate limiters): commands run on this
     * loop, delays are this loop's timers. Cancelling a returned {@link ScheduledFuture} withdraws
     * its timer; a command already running is not interrupted (it runs on the loop thread).
     * Periodic commands stop at their first exception, as the JDK's do.
     *
     * <p>The view does not own the loop: {@code shutdown()} and {@code shutdownNow()} throw
     * {@link UnsupportedOperationException} (close the loop with {@link #close()});
     * {@code isShutdown()} and {@code isTerminated()} report whether the loop is closed. A command
     * submitted after the loop closed is refused with
     * {@link java.util.concurrent.RejectedExecutionException}.
     *
     * @return the view (a new lightweight object on each call)
     */
    public ScheduledExecutorService asScheduledExecutor() {
        return new LoopScheduler(this, core);
    }

    // ------------------------------------------------------------------ state

    /**
     * The loop's clock: monotonic nanoseconds, the time its timers use. It is
     * {@link System#nanoTime()} on every loop except the loop of a test loop
     * ({@code dev.aio4j.test.TestLoop}), whose clock is virtual and starts at zero.
     *
     * @return the current time in nanoseconds
     */
    public long time() {
        return core.time();
    }

    /**
     * The loop's name.
     *
     * @return the name given at creation ("main" for {@link #run}, "shared" for {@link #shared()})
     */
    public String name() {
        return core.name;
    }

    /**
     * Closes the loop: new work is refused, every pending task is cancelled and awaited (their
     * cleanup runs on the loop's thread), then the thread ends. Blocks until then, unless called
     * from the loop's own thread (the loop then closes right after the current step). Idempotent.
     *
     * @throws IllegalStateException for {@link #shared()}, which cannot be closed, and for the
     *     loop of {@link #run}, which closes when its main task ends
     */
    @Override
    public void close() {
        if (core.isVirtual()) {
            throw new IllegalStateException("the loop of a TestLoop closes with TestLoop.close()");
        }
        if (driven && !core.isLoopThread()) {
            throw new IllegalStateException("the loop of Loop.run closes when its main task ends; cancel the main task instead");
        }
        if (driven) return; // closing from main's own code: Loop.run closes it when main ends
        core.close();
        Jmx.unregister(core);
    }

    /**
     * A dump of this loop's live tasks: each with its state, age, what it awaits and which tasks
     * await it, as a tree with cycles shown as cycles ({@link TaskDump}). Callable from any
     * thread, also while the loop's thread is stuck in a step. Reading it costs the loop one short
     * step (or nothing, when its thread does not answer within a second).
     *
     * @return the dump, never null
     * @since 0.2.0
     */
    public TaskDump dumpTasks() {
        return TaskDump.of(toString(), java.util.List.of(core));
    }

    /**
     * Tells whether {@link #close()} has begun.
     *
     * @return true once the loop refuses new work
     */
    public boolean isClosed() {
        return core.isClosed();
    }

    /**
     * Sets what receives failures nobody can observe any more on this loop: a task's failure that
     * was never retrieved, a callback that threw. The handler gets a message and the failure.
     *
     * @param handler the handler, or null to log through {@link System.Logger} ("dev.aio4j")
     */
    public void setExceptionHandler(BiConsumer<String, Throwable> handler) {
        core.setExceptionHandler(handler);
    }

    @Override
    public String toString() {
        return core.toString();
    }
}

package dev.aio4j;

import dev.aio4j.engine.LoopFuture;
import dev.aio4j.engine.Outcomes;
import dev.aio4j.engine.StageListener;
import dev.aio4j.engine.TaskCore;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A running piece of asynchronous work on a {@link Loop} (asyncio's {@code Task}), usable as a
 * {@link CompletableFuture}.
 *
 * <p><b>Cancellation.</b> {@link #cancel(boolean)} or {@link #cancel(String)}, from any thread,
 * completes the task at once with a {@link CancellationException}. The work is then cancelled on
 * the task's own loop: the stage the task awaits is cancelled (if it is a task, that task's work
 * in turn), so sleeps stop, timers are withdrawn and futures the code returned get
 * {@code cancel(true)}. Stages derived from a task ({@code thenApply}, {@code thenCompose},
 * {@code whenComplete} ... and stages derived from those) cancel the task they came from when
 * they are cancelled, so a chain stops at its root; and the compositions of the chain
 * ({@code thenCompose}, {@code thenComposeAsync}, {@code exceptionallyCompose}) pass the
 * cancellation on to the stage their function returned, through any depth — an HTTP call made in
 * {@code Async.sleep(d).thenCompose(x -> client.sendAsync(...))} is aborted; a stage that arrives
 * after the cancellation is cancelled on arrival. {@link #copy()} gives a stage whose
 * cancellation stays local, and {@link Async#shield(CompletionStage)} opts out entirely.
 *
 * <p><b>Compositions stay on the loop.</b> A {@code thenCompose} whose function returns a stage
 * that completes on another thread continues on the task's loop; recursive compositions over
 * already-complete stages never overflow the stack (see {@link Async#repeatWhile}). The same rules
 * hold for the futures of {@link AsyncLock}, {@link AsyncSemaphore}, {@link AsyncEvent},
 * {@link AsyncCondition}, {@link AsyncBarrier} and {@link AsyncQueue} and every stage derived from them.
 *
 * <p><b>Read-only.</b> Only the task's own work completes it: {@code complete},
 * {@code completeExceptionally}, {@code obtrudeValue}, {@code obtrudeException},
 * {@code completeAsync}, {@code completeOnTimeout} and {@code orTimeout} throw
 * {@link UnsupportedOperationException} (use {@link Async#waitFor} for a timeout that cancels).
 *
 * <p><b>Threads.</b> Dependent stages added without an executor run where the JDK runs them:
 * on the thread that completes the task, which is the task's loop unless it was cancelled from
 * another thread. {@link #defaultExecutor()} is the task's loop, so {@code thenApplyAsync(fn)}
 * runs {@code fn} on it. {@link #get()} and {@link #join()} called on the thread of the task's own
 * single-threaded loop would deadlock, so they throw {@link IllegalStateException} instead.
 *
 * <p><b>Failures are never lost.</b> A task that failed, was never looked at (no {@code get},
 * {@code join}, {@code result}, {@code exception}, dependent stage or awaiting task) and is
 * garbage-collected is reported once, "Task exception was never retrieved", to its loop's
 * exception handler or {@link System.Logger}.
 *
 * @param <T> the type of the result
 * @since 0.1.0
 */
public final class Task<T> extends LoopFuture<T> {
    private static final AtomicInteger IDS = new AtomicInteger();
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<Task, Object> EXTRA =
            AtomicReferenceFieldUpdater.newUpdater(Task.class, Object.class, "extra");
    private static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread t = new Thread(runnable, "aio4j-unretrieved-failures");
        t.setDaemon(true);
        return t;
    });

    static {
        dev.aio4j.engine.CreationSites.internalCodeOf(Task.class); // creation sites skip this jar's frames
    }

    // A task is 32 bytes: the core is the LoopFuture's link, and what few tasks need (a number for
    // an unnamed task's name, a failure note, done callbacks) lives in an Extras made on first use.
    private volatile Object extra; // null | the name given | Extras
    private volatile boolean observed;

    /** What few tasks need, made on first use (names, failure notes and done callbacks are rare on the hot path). */
    private static final class Extras {
        final String name;
        volatile int id; // numbered on first use of an unnamed task's name()
        volatile FailureNote failureNote;
        List<Task<?>.DoneCallback> doneCallbacks; // guarded by the task

        Extras(String name) {
            this.name = name;
        }
    }

    @SuppressWarnings("unchecked")
    Task(TaskCore core, String name) {
        super(core);
        this.extra = name;
        core.host = (LoopFuture<Object>) (LoopFuture<?>) this;
    }

    /** The engine core behind this task (the future's link). */
    private TaskCore core() {
        return TaskCore.linkOf(this);
    }

    /** The task's extras, made (once, whatever the race) on first use. */
    private Extras extras() {
        while (true) {
            Object e = extra;
            if (e instanceof Extras x) return x;
            Extras x = new Extras((String) e);
            if (EXTRA.compareAndSet(this, e, x)) return x;
        }
    }

    /** Creates the task for {@code core} and starts it on its loop. */
    static <T> Task<T> launch(TaskCore core, String name) {
        Task<T> t = new Task<>(core, name);
        core.launch();
        return t;
    }

    // ------------------------------------------------------------------ identity

    /**
     * The task's name: the one given at creation, or {@code "Task-<n>"} (unnamed tasks are numbered
     * the first time their name is asked for).
     *
     * @return the name, never null
     */
    public String name() {
        Object e = extra;
        if (e instanceof String given) return given;
        Extras x = extras();
        if (x.name != null) return x.name;
        int i = x.id;
        if (i == 0) {
            int fresh = IDS.incrementAndGet();
            if (fresh == 0) fresh = IDS.incrementAndGet(); // after 2^32 names: 0 means "not numbered"
            synchronized (x) {
                if (x.id == 0) x.id = fresh;
                i = x.id;
            }
        }
        return "Task-" + i;
    }

    /**
     * The loop the task runs on.
     *
     * @return the loop
     */
    public Loop loop() {
        return Loop.of(core().loop);
    }

    // ------------------------------------------------------------------ cancellation

    /**
     * Cancels the task: it completes at once with a {@link CancellationException}, and its work
     * (the stage it awaits, and so on down) is cancelled on its loop. Does nothing to a task that
     * is already done.
     *
     * @param mayInterruptIfRunning ignored: aio4j always cancels what the task awaits with
     *     {@code cancel(true)}, so a blocking call under {@link Async#toThread} is interrupted
     * @return true if this call cancelled the task, false if it was already done
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return core().cancel(null);
    }

    /**
     * Cancels the task (asyncio's {@code cancel()}); the same as {@code cancel(true)}.
     *
     * @return true if this call cancelled the task, false if it was already done
     */
    public boolean cancel() {
        return core().cancel(null);
    }

    /**
     * Cancels the task with a message, which becomes the {@link CancellationException}'s message
     * (asyncio's {@code cancel(msg)}). Otherwise as {@link #cancel(boolean)}.
     *
     * @param message the message, may be null
     * @return true if this call cancelled the task, false if it was already done
     */
    public boolean cancel(String message) {
        return core().cancel(message);
    }

    // ------------------------------------------------------------------ non-blocking results

    /**
     * The task's value, without blocking (asyncio's {@code Task.result()}).
     *
     * @return the value
     * @throws InvalidStateException if the task is not done yet
     * @throws CancellationException if the task was cancelled
     * @throws CompletionException if the task failed with a checked exception (its cause); an
     *     unchecked failure ({@link RuntimeException}, {@link Error}) is thrown as it is
     */
    public T result() {
        if (!isDone()) throw new InvalidStateException("result is not set yet: " + this + " is still pending");
        observed();
        if (!isCompletedExceptionally()) return getNow(null);
        Throwable e = Outcomes.errorOf(this);
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error err) throw err;
        throw new CompletionException(e);
    }

    /**
     * The task's failure, without blocking (asyncio's {@code Task.exception()}).
     *
     * @return the exception the task failed with, or null if it completed normally
     * @throws InvalidStateException if the task is not done yet
     * @throws CancellationException if the task was cancelled
     */
    public Throwable exception() {
        if (!isDone()) throw new InvalidStateException("exception is not set yet: " + this + " is still pending");
        observed();
        Throwable e = Outcomes.errorOf(this);
        if (e instanceof CancellationException c) throw c;
        return e;
    }

    // ------------------------------------------------------------------ done callbacks

    /**
     * Adds a callback that runs on the task's loop once the task is done (soon after, if it
     * already is), with the task as its argument (asyncio's {@code add_done_callback}). A callback
     * that throws is reported to the loop's exception handler.
     *
     * @param callback the callback
     * @throws NullPointerException if {@code callback} is null
     */
    public void addDoneCallback(Consumer<? super Task<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        DoneCallback dc = new DoneCallback(callback);
        Extras x = extras();
        synchronized (this) {
            if (x.doneCallbacks == null) x.doneCallbacks = new ArrayList<>(2);
            x.doneCallbacks.add(dc);
        }
        core().addListener(dc, 0);
    }

    /**
     * Removes every registration of {@code callback} that has not run yet.
     *
     * @param callback the callback given to {@link #addDoneCallback}
     * @return how many registrations were removed
     * @throws NullPointerException if {@code callback} is null
     */
    public int removeDoneCallback(Consumer<? super Task<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        int removed = 0;
        if (!(extra instanceof Extras x)) return 0;
        TaskCore core = core();
        synchronized (this) {
            if (x.doneCallbacks == null) return 0;
            for (var it = x.doneCallbacks.iterator(); it.hasNext(); ) {
                Task<?>.DoneCallback dc = it.next();
                if (dc.callback.equals(callback)) {
                    it.remove();
                    if (core.removeListener(dc)) removed++;
                }
            }
        }
        return removed;
    }

    private final class DoneCallback implements StageListener, Runnable {
        final Consumer<? super Task<T>> callback;

        DoneCallback(Consumer<? super Task<T>> callback) {
            this.callback = callback;
        }

        @Override
        public void onStageDone(int tag, Object value, Throwable error) {
            Extras x = extras();
            synchronized (Task.this) {
                if (x.doneCallbacks != null) x.doneCallbacks.remove(this);
            }
            core().loop.post(this);
        }

        @Override
        public void run() {
            try {
                callback.accept(Task.this);
            } catch (Throwable t) {
                core().loop.reportError("exception in done callback of " + Task.this, t);
            }
        }
    }

    // ------------------------------------------------------------------ blocking, with the deadlock guard

    /**
     * Waits for the task and returns its value.
     *
     * @return the value
     * @throws IllegalStateException if called on the thread of the task's own single-threaded loop
     *     while the task is pending (it would deadlock)
     * @throws CancellationException if the task was cancelled
     * @throws ExecutionException if the task failed (its cause is the failure)
     * @throws InterruptedException if the waiting thread was interrupted
     */
    @Override
    public T get() throws InterruptedException, ExecutionException {
        return super.get();
    }

    /**
     * Waits at most the given time for the task and returns its value. Timing out does not cancel
     * the task (use {@link Async#waitFor} for that).
     *
     * @return the value
     * @throws IllegalStateException if called on the thread of the task's own single-threaded loop
     *     while the task is pending
     * @throws CancellationException if the task was cancelled
     * @throws ExecutionException if the task failed
     * @throws InterruptedException if the waiting thread was interrupted
     * @throws TimeoutException if the time passed first
     */
    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return super.get(timeout, unit);
    }

    /**
     * Waits for the task and returns its value.
     *
     * @return the value
     * @throws IllegalStateException if called on the thread of the task's own single-threaded loop
     *     while the task is pending
     * @throws CancellationException if the task was cancelled
     * @throws CompletionException if the task failed (its cause is the failure)
     */
    @Override
    public T join() {
        return super.join();
    }

    /**
     * The value if done, else {@code valueIfAbsent}; as {@link CompletableFuture#getNow}.
     *
     * @param valueIfAbsent what to return if the task is pending
     * @return the value or {@code valueIfAbsent}
     * @throws CancellationException if the task was cancelled
     * @throws CompletionException if the task failed
     */
    @Override
    public T getNow(T valueIfAbsent) {
        observed();
        return super.getNow(valueIfAbsent);
    }

    // ------------------------------------------------------------------ read-only

    /** What the engine's messages call this task: {@code Task[name]}. */
    @Override
    protected String label() {
        return "Task[" + name() + "]";
    }

    /** The message of the {@link UnsupportedOperationException} a read-only method throws. */
    @Override
    protected String readOnlyMessage(String what) {
        return "a Task is read-only: only its own work completes it (" + what
                + "); cancel it with cancel(), or use Async.waitFor(task, timeout) for a timeout that cancels it";
    }

    /** Not supported: a task is completed by its own work only. @throws UnsupportedOperationException always */
    @Override
    public boolean completeExceptionally(Throwable ex) {
        throw new UnsupportedOperationException(readOnlyMessage("completeExceptionally"));
    }

    /** Not supported: it would not cancel the work; use {@link Async#waitFor}. @throws UnsupportedOperationException always */
    @Override
    public CompletableFuture<T> orTimeout(long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException(readOnlyMessage("orTimeout"));
    }

    // ------------------------------------------------------------------ derived stages

    /**
     * The executor of {@code *Async} methods given none: the task's loop.
     *
     * @return the task's loop
     */
    @Override
    public Executor defaultExecutor() {
        return loop();
    }

    // ------------------------------------------------------------------ engine side

    /** The engine failed the task: unless someone already looked, arrange the "never retrieved" report. */
    @Override
    protected void onFailedByEngine(Throwable error) {
        if (!observed && !(error instanceof CancellationException)) {
            TaskCore core = core();
            FailureNote note = new FailureNote(core().loop, toString(), error);
            extras().failureNote = note;
            if (observed) note.observed = true;
            CLEANER.register(this, note);
            core().loop.noteFailure(this); // a test loop reports it at close, deterministically
        }
    }

    /** Whether someone looked at the outcome. */
    @Override
    protected boolean wasObserved() {
        return observed;
    }

    /** Someone looked at the outcome: a failure is then not reported as never retrieved. */
    @Override
    protected void observed() {
        if (!observed) {
            observed = true;
            if (extra instanceof Extras x) {
                FailureNote n = x.failureNote;
                if (n != null) n.observed = true;
            }
        }
    }

    /** Reports a failure nobody looked at, once the task is garbage. Holds no reference to the task. */
    private static final class FailureNote implements Runnable {
        private final dev.aio4j.engine.LoopCore loop;
        private final String task;
        private final Throwable error;
        volatile boolean observed;

        FailureNote(dev.aio4j.engine.LoopCore loop, String task, Throwable error) {
            this.loop = loop;
            this.task = task;
            this.error = error;
        }

        @Override
        public void run() {
            if (!observed) loop.reportError("Task exception was never retrieved: " + task, error);
        }
    }

    /**
     * Describes the task and its state: {@code Task[fetch-users, pending, awaiting Task[db-query]]},
     * {@code Task[fetch-users, done]}, {@code Task[fetch-users, failed: java.io.IOException: reset]},
     * {@code Task[fetch-users, cancelled]}.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Task[").append(name());
        if (!isDone()) {
            sb.append(", pending");
            Object awaited = core().awaiting();
            if (awaited instanceof Task<?> t) sb.append(", awaiting Task[").append(t.name()).append(']');
            else if (awaited != null) sb.append(", awaiting ").append(describe(awaited));
        } else if (isCancelled()) {
            sb.append(", cancelled");
        } else if (isCompletedExceptionally()) {
            sb.append(", failed: ").append(failureQuietly());
        } else {
            sb.append(", done");
        }
        dev.aio4j.engine.TaskDebug d = core().debugRecord();
        if (d != null && d.site != null && d.site.length > 0) sb.append(", created at ").append(d.site[0]);
        return sb.append(']').toString();
    }

    /** The failure of a failed task, read without counting as "retrieved" (toString must not hide it). */
    private Throwable failureQuietly() {
        try {
            super.getNow(null); // CompletableFuture's: reading it here is not "retrieving" it
            return null;
        } catch (CancellationException e) {
            return e;
        } catch (CompletionException e) {
            return Outcomes.unwrap(e);
        }
    }

    private static String describe(Object stage) {
        if (!(stage instanceof java.util.concurrent.Future<?>)) return stage.toString(); // the engine's own descriptions
        String s = stage.getClass().getSimpleName();
        return s.isEmpty() ? stage.getClass().getName() : s;
    }
}

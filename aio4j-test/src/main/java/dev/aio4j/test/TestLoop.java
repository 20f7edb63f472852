package dev.aio4j.test;

import dev.aio4j.AsyncCallable;
import dev.aio4j.DebugOptions;
import dev.aio4j.Loop;
import dev.aio4j.Task;
import dev.aio4j.TaskInfo;
import dev.aio4j.engine.CallbackHandle;
import dev.aio4j.engine.CreationSites;
import dev.aio4j.engine.Delays;
import dev.aio4j.engine.EventLoopCore;
import dev.aio4j.engine.LoopFuture;
import dev.aio4j.engine.Outcomes;
import dev.aio4j.engine.VirtualTime;
import dev.aio4j.engine.VirtualTimeStop;
import dev.aio4j.internal.TestSupport;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A single-threaded loop whose clock is virtual, for deterministic tests of aio4j code: an hour of
 * {@code Async.sleep}, {@code waitFor} timeouts and retry back-off runs in microseconds, in the same
 * order every time, and a test that can never finish fails at once with a dump instead of hanging.
 *
 * <pre>{@code
 * try (TestLoop loop = TestLoop.create()) {
 *     String r = loop.run(() -> retrying(flakyCall(), 3, Duration.ofSeconds(10)));
 *     assertEquals(Duration.ofSeconds(30), loop.now());     // exact
 * }
 * }</pre>
 *
 * <p><b>What is virtual.</b> Every timer of this loop: {@code Async.sleep}, {@code waitFor},
 * {@code timeout}, {@code wait} and {@code asCompleted} with a timeout, {@code Loop.callLater}, a
 * Kotlin {@code delay} in a {@code SuspendCall}, and {@link Loop#time()}. The clock starts at zero and
 * moves only forward. Timers fire in deadline order, ties in the order they were scheduled, with one
 * exception: at an instant, the timer of a timeout ({@code waitFor}, {@code timeout}, {@code wait} and
 * {@code asCompleted} with a timeout, a primitive's {@code orTimeout}) fires only after every other
 * timer due then and every callback ready then, so a result that arrives exactly at the deadline
 * wins. Every callback ready at an instant runs before the clock moves. The clock ends at about 146
 * years: it stops there, and a timer it could only reach later (set closer than 73 years to the
 * end) never fires, as a timer of 73 years or more never does.
 *
 * <p><b>What is not.</b> Work outside the loop — {@code toThread} and {@code runInExecutor} jobs,
 * tasks of other loops ({@link Loop#shared()}), foreign futures such as an {@code HttpClient} call
 * — takes real time and <em>zero</em> virtual time: while a task of this loop awaits such work the
 * clock does not move, and the loop waits for it in real time. {@code System.nanoTime()} and
 * {@code Instant.now()} are real; inject {@link #instantSource()} into code that reads the clock.
 * Work the loop cannot see (a plain thread that completes a future nobody on the loop awaits, or
 * that feeds an {@code AsyncQueue} directly) does not hold the clock: hand it over with
 * {@code toThread} or a future the task awaits. A {@code callSoon} or task that a plain thread posts
 * to {@link #loop()} counts from the moment it is posted: the loop runs it before it would jump or
 * declare a deadlock. One posted only after the loop found nothing to do comes too late.
 *
 * <p><b>Auto-advance</b> (the default): when nothing is ready and no outside work is outstanding,
 * the clock jumps to the next timer. A future that completes elsewhere and never completes (a call
 * whose server never answers) therefore holds the clock until the wall-clock timeout; so does a
 * plain {@code CompletableFuture} that code on the loop itself completes later (a third-party
 * library's future completed from the loop's timers): in those tests move the clock explicitly.
 * With auto-advance off ({@link TestLoopOptions#autoAdvance()}), the clock moves only through
 * {@link #advanceBy}, {@link #advanceTo} and {@link #runUntilIdle}. Those explicit moves wait for
 * running {@code toThread}/{@code runInExecutor} jobs (which end by themselves) but not for futures
 * pending elsewhere, so {@code advanceBy(Duration.ofSeconds(30))} times out a call that never answers.
 * A Kotlin {@code SuspendCall} that suspends on another dispatcher is not seen as outside work.
 *
 * <p><b>Threads.</b> The thread that creates a test loop drives it: {@code run}, {@code advance*},
 * {@code runCurrent}, {@code runUntilIdle}, {@code dump} and {@code close} are called on it, never
 * from another thread or from the loop's own tasks. Tasks run on that thread, inside those calls.
 * Between them, calling an {@code Async} helper on that thread is refused with
 * {@link IllegalStateException} (it would run in real time on the shared loop). Each test loop is
 * independent: many may run in parallel on different threads.
 *
 * <p><b>Close.</b> {@link #close()} cancels {@link #backgroundTask background tasks} quietly;
 * any other task still pending is cancelled, awaited and reported ({@link LeakedTasksError});
 * a task failure that nobody retrieved is reported too, at once, not when the garbage collector
 * finds it.
 *
 * @since 0.2.0
 */
public final class TestLoop implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();

    static {
        CreationSites.internalCodeOf(TestLoop.class); // creation sites skip this jar's frames (TestLoop.task)
    }

    /** Where {@link #instantSource()} starts: virtual time zero. */
    private static final Instant ORIGIN = Instant.EPOCH;

    private final TestSupport.Access access;
    private final EventLoopCore core;
    private final VirtualTime clock;
    private final Loop loop;
    private final TestLoopOptions options;
    private final Thread driver;
    private final Set<Task<?>> background = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private boolean closed;

    private TestLoop(TestLoopOptions options, DebugOptions debug) {
        this.options = options;
        this.access = TestSupport.access();
        this.driver = Thread.currentThread();
        this.core = EventLoopCore.driveVirtual("test-" + IDS.incrementAndGet(), options.autoAdvance(),
                options.wallClockTimeout().toNanos(), options.maxStepsPerInstant(), access.debugSettings(debug));
        this.clock = Objects.requireNonNull(core.virtualTime());
        this.loop = access.newLoop(core);
    }

    /**
     * A test loop with the {@link TestLoopOptions#defaults() default options}, driven by the calling thread.
     *
     * @return the loop, with its clock at zero
     * @throws IllegalStateException if the calling thread runs a loop or already drives an open test loop
     */
    public static TestLoop create() {
        return create(TestLoopOptions.defaults());
    }

    /**
     * A test loop with {@code options}, driven by the calling thread.
     *
     * @param options how it runs
     * @return the loop, with its clock at zero
     * @throws NullPointerException if {@code options} is null
     * @throws IllegalStateException if the calling thread runs a loop or already drives an open test loop
     */
    public static TestLoop create(TestLoopOptions options) {
        Objects.requireNonNull(options, "options");
        return new TestLoop(options, null);
    }

    /**
     * A test loop with {@code options} and debug mode set by {@code debug} (instead of by
     * {@code -Daio4j.debug}), driven by the calling thread. With creation sites on
     * ({@code DebugOptions.on().creationSites(true)}, as {@code -Daio4j.debug=true} has them),
     * {@link #dump()} and the dumps of failures show where each task was created. A test loop times no steps: the slow-step threshold and the watchdog do not apply.
     *
     * @param options how it runs
     * @param debug its debug mode ({@link DebugOptions#off()} turns it off even with {@code -Daio4j.debug=true})
     * @return the loop, with its clock at zero
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the calling thread runs a loop or already drives an open test loop
     */
    public static TestLoop create(TestLoopOptions options, DebugOptions debug) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(debug, "debug");
        return new TestLoop(options, debug);
    }

    /**
     * The loop itself: {@code Loop.current()} inside its tasks, and what to hand to code that takes
     * a {@link Loop}. Its {@link Loop#time()} is the virtual clock; closing it is refused (close the test loop).
     *
     * @return the loop
     */
    public Loop loop() {
        return loop;
    }

    /**
     * The options the loop was created with.
     *
     * @return the options
     */
    public TestLoopOptions options() {
        return options;
    }

    // ------------------------------------------------------------------ driving

    /**
     * Runs {@code main} as a task named "main" and returns its result, running the loop (and, with
     * auto-advance, moving the clock) until it is done. Other tasks stay as they are when it
     * returns; call it as often as needed.
     *
     * <p>If it fails with one of the errors of the loop below, {@code main} is left as it is:
     * pending, not cancelled, and {@link #close()} reports it as leaked (cancel it first if the test
     * expected the failure). Cancelling {@code main} (from its own code, or another task's) ends
     * {@code run} with a {@link CancellationException}.
     *
     * @param main the body of the main task
     * @param <T> the type of the result
     * @return the value of {@code main}'s stage
     * @throws Exception what {@code main} failed with, unwrapped; a {@link CancellationException} if it was cancelled
     * @throws NullPointerException if {@code main} is null
     * @throws TestLoopDeadlockError if {@code main} can never finish (nothing is ready, no timer that
     *     can fire is pending, no outside work is outstanding), or, without auto-advance, waits for a timer
     * @throws AssertionError with a dump if the step budget or the wall-clock timeout runs out
     * @throws IllegalStateException if called from another thread than the creator's, from one of
     *     the loop's tasks, or after {@link #close()}
     */
    public <T> T run(AsyncCallable<T> main) throws Exception {
        Objects.requireNonNull(main, "main");
        checkDriver("run");
        Task<T> task = access.start(core, "main", main);
        drive(() -> core.virtualRunUntil(task::isDone));
        return access.result(task);
    }

    /**
     * Starts {@code body} as a task of this loop without running anything: it runs when the loop is
     * next driven. A task still pending at {@link #close()} is reported as leaked. Any thread may call
     * it; from another thread the task is posted to the loop and counts as its work from then on.
     *
     * @param body the task's body
     * @param <T> the type of the result
     * @return the task; cancelling it cancels its work as for any task
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException after {@link #close()}
     */
    public <T> Task<T> task(AsyncCallable<T> body) {
        Objects.requireNonNull(body, "body");
        checkOpen();
        return access.start(core, null, body);
    }

    /**
     * As {@link #task(AsyncCallable)}, with a name for dumps and messages.
     *
     * @param name the task's name
     * @param body the task's body
     * @param <T> the type of the result
     * @return the task; cancelling it cancels its work as for any task
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException after {@link #close()}
     */
    public <T> Task<T> task(String name, AsyncCallable<T> body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        checkOpen();
        return access.start(core, name, body);
    }

    /**
     * Starts {@code body} as a background task: work the test does not await (a server, a ticker),
     * cancelled quietly at {@link #close()} instead of reported as leaked. A failure of it that
     * nobody retrieved is still reported. Any thread may call it, as {@link #task(AsyncCallable)}.
     *
     * @param body the task's body
     * @param <T> the type of the result
     * @return the task; cancelling it cancels its work as for any task
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException after {@link #close()}
     */
    public <T> Task<T> backgroundTask(AsyncCallable<T> body) {
        Task<T> t = task(body);
        background.add(t);
        return t;
    }

    /**
     * Runs every callback ready at the current instant, and what they make ready at it, without
     * moving the clock or waiting for outside work.
     *
     * @throws AssertionError with a dump if the step budget or the wall-clock timeout runs out
     * @throws IllegalStateException if called from another thread, from a task, or after close
     */
    public void runCurrent() {
        checkDriver("runCurrent");
        drive(core::virtualRunCurrent);
    }

    /**
     * Moves the clock forward by {@code delta}: fires the timers due up to {@code now() + delta} in
     * deadline order, running the work each makes ready before the next, then sets the clock to
     * {@code now() + delta}. Running {@code toThread}/{@code runInExecutor} jobs are awaited (in
     * real time) before the clock moves, so they take zero virtual time; futures pending elsewhere
     * are not awaited. Works with auto-advance on or off.
     *
     * @param delta how far to move; longer than about 73 years counts as 73 years, and the clock
     *     stops at its end (about 146 years)
     * @throws NullPointerException if {@code delta} is null
     * @throws IllegalArgumentException if {@code delta} is negative
     * @throws AssertionError with a dump if the step budget or the wall-clock timeout runs out
     * @throws IllegalStateException if called from another thread, from a task, or after close
     */
    public void advanceBy(Duration delta) {
        Objects.requireNonNull(delta, "delta");
        if (delta.isNegative()) throw new IllegalArgumentException("the clock does not go back: advanceBy(" + delta + ")");
        checkDriver("advanceBy");
        long target = core.time() + Delays.toNanos(delta);
        drive(() -> core.virtualAdvanceTo(target));
    }

    /**
     * Moves the clock forward to {@code sinceStart} (time since the loop was created), as
     * {@link #advanceBy} does.
     *
     * @param sinceStart the instant to move to; past the end of the clock (about 146 years) counts
     *     as the end, so once there the clock stays there
     * @throws NullPointerException if {@code sinceStart} is null
     * @throws IllegalArgumentException if it is negative or before {@link #now()}
     * @throws AssertionError with a dump if the step budget or the wall-clock timeout runs out
     * @throws IllegalStateException if called from another thread, from a task, or after close
     */
    public void advanceTo(Duration sinceStart) {
        Objects.requireNonNull(sinceStart, "sinceStart");
        checkDriver("advanceTo");
        // past the end of the clock (about 146 years) counts as the end, as for advanceBy
        long target = sinceStart.getSeconds() >= VirtualTime.MAX_NOW / 1_000_000_000L
                ? VirtualTime.MAX_NOW : Math.min(sinceStart.toNanos(), VirtualTime.MAX_NOW);
        if (sinceStart.isNegative() || target < core.time()) {
            throw new IllegalArgumentException("the clock does not go back: advanceTo(" + sinceStart + ") at " + now());
        }
        drive(() -> core.virtualAdvanceTo(target));
    }

    /**
     * Runs ready work and moves the clock from timer to timer (awaiting running {@code toThread}
     * jobs before each move, not futures pending elsewhere) until no timer is pending and nothing is
     * ready. A timer that can never fire (set to a delay of about 73 years or more, or due past the
     * end of the clock) counts as none. Work that re-arms a timer forever runs into the wall-clock timeout.
     *
     * @throws AssertionError with a dump if the step budget or the wall-clock timeout runs out
     * @throws IllegalStateException if called from another thread, from a task, or after close
     */
    public void runUntilIdle() {
        checkDriver("runUntilIdle");
        drive(core::virtualRunUntilIdle);
    }

    /**
     * The virtual time since the loop was created.
     *
     * @return the time, never negative
     */
    public Duration now() {
        return Duration.ofNanos(core.time());
    }

    /**
     * The virtual clock as an {@link InstantSource}, for code that reads the clock directly: it
     * starts at {@link Instant#EPOCH} and moves with {@link #now()}. Any thread may read it.
     *
     * @return the instant source
     */
    public InstantSource instantSource() {
        return new InstantSource() {
            @Override
            public Instant instant() {
                return ORIGIN.plusNanos(core.time());
            }

            @Override
            public String toString() {
                return "InstantSource[" + TestLoop.this + "]";
            }
        };
    }

    // ------------------------------------------------------------------ inspection

    /**
     * The tasks of this loop that are pending, oldest first.
     *
     * @return a snapshot, never null
     * @throws IllegalStateException if called from another thread than the creator's
     */
    public List<TaskInfo> pendingTasks() {
        checkThread("pendingTasks");
        List<TaskInfo> out = new ArrayList<>();
        for (TaskInfo i : access.tasks(core)) if (i.state() == TaskInfo.State.PENDING) out.add(i);
        return out;
    }

    /**
     * A text dump of the loop as a tree: a header with the virtual time, the timers pending and the
     * outside work outstanding, then each live task (its state, virtual age, what it awaits and which
     * tasks await it), with the tasks that await it indented under it; tasks that await each other in
     * a circle are printed as a cycle. In debug mode ({@code -Daio4j.debug=true}, or
     * {@link #create(TestLoopOptions, DebugOptions)}) each task also shows where it was created.
     *
     * @return the dump, never null
     * @throws IllegalStateException if called from another thread than the creator's
     */
    public String dump() {
        checkThread("dump");
        return dumpNow();
    }

    private String dumpNow() {
        String header = this + " at " + VirtualTimeStop.format(core.time()) + " virtual, "
                + core.virtualPendingTimers() + " timers pending, " + clock.externalWork() + " outside jobs outstanding";
        return access.tree(header, core);
    }

    // ------------------------------------------------------------------ closing

    /**
     * Closes the loop: cancels background tasks quietly and lets {@code toThread} jobs that are
     * still running end (in real time, the clock does not move), then cancels every other pending task,
     * runs until they have finished, stops, and reports what went wrong: tasks that were still
     * pending ({@link LeakedTasksError}, with the dump taken before the cancel), then — with
     * {@link TestLoopOptions#strictTimers()} — {@code callLater} callbacks still pending, then task
     * failures nobody retrieved (an {@link AssertionError} whose cause is the first one, the others
     * suppressed). Further problems are added as suppressed to the first. Idempotent: a second call does nothing.
     *
     * <p>The whole close has one {@link TestLoopOptions#wallClockTimeout() wall-clock timeout}: a
     * {@code toThread} job that never ends makes it fail (a "while closing" {@link AssertionError}
     * with a dump) after that much real time, with the loop closed all the same. The step budget
     * applies too, with the same kind of failure.
     *
     * @throws LeakedTasksError if tasks other than background tasks were pending
     * @throws AssertionError if failures were never retrieved, if (strict timers) callbacks were
     *     pending, or if closing ran out of the wall-clock timeout or the step budget (with a dump)
     * @throws IllegalStateException if called from another thread than the creator's, or from a task
     */
    @Override
    public void close() {
        checkThread("close");
        if (core.isDriving()) throw new IllegalStateException("close() from inside a task would re-enter the loop");
        if (closed) return;
        closed = true;
        List<Throwable> problems = new ArrayList<>();
        Throwable settling = null;
        List<Task<?>> bg;
        synchronized (background) {
            bg = new ArrayList<>(background);
        }
        try {
            // background tasks end quietly; outside work that is about to end (a toThread job whose
            // result is on its way) ends: neither moves the clock
            for (Task<?> t : bg) t.cancel("TestLoop closed");
            core.virtualSettle();
        } catch (VirtualTimeStop s) {
            settling = new StuckLoopError("while closing: " + s.getMessage() + "\n" + dumpNow());
        }
        List<TaskInfo> all = access.tasks(core);
        List<TaskInfo> leaked = new ArrayList<>();
        for (TaskInfo i : all) if (i.state() == TaskInfo.State.PENDING) leaked.add(i);
        if (!leaked.isEmpty()) problems.add(new LeakedTasksError(leaked, dumpNow()));
        if (settling != null) problems.add(settling);
        List<CallbackHandle> handles = List.of();
        try {
            handles = core.virtualShutdown();
        } catch (VirtualTimeStop s) {
            problems.add(new StuckLoopError("while closing: " + s.getMessage() + "\n" + dumpNow()));
        }
        if (options.strictTimers() && !handles.isEmpty()) {
            problems.add(new AssertionError(handles.size() + " callLater callbacks were still pending when the TestLoop closed: " + handles));
        }
        List<LoopFuture<?>> unretrieved = clock.takeUnretrievedFailures();
        if (!unretrieved.isEmpty()) {
            AssertionError e = null;
            for (LoopFuture<?> f : unretrieved) {
                Throwable cause = failureOf(f);
                if (e == null) {
                    e = new AssertionError("Task exception was never retrieved: " + access.describe(f)
                            + (unretrieved.size() > 1 ? " (and " + (unretrieved.size() - 1) + " more, suppressed)" : ""), cause);
                } else {
                    e.addSuppressed(cause);
                }
            }
            problems.add(e);
        }
        if (problems.isEmpty()) return;
        Throwable first = problems.get(0);
        for (int i = 1; i < problems.size(); i++) first.addSuppressed(problems.get(i));
        if (first instanceof Error err) throw err;
        throw new AssertionError(first);
    }

    /** {@code TestLoop[test-3]}, with {@code closed} once closed. */
    @Override
    public String toString() {
        return "TestLoop[" + core.name + (closed ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------ internals

    private static Throwable failureOf(LoopFuture<?> f) {
        Throwable t = Outcomes.errorOf(f);
        return t != null ? t : new CompletionException("failed", null);
    }

    private void checkThread(String what) {
        if (Thread.currentThread() != driver) {
            throw new IllegalStateException("TestLoop." + what + " is called only on the thread that created the loop ("
                    + driver.getName() + "), not on " + Thread.currentThread().getName());
        }
    }

    private void checkDriver(String what) {
        checkThread(what);
        if (core.isDriving()) throw new IllegalStateException("advance from inside a task would re-enter the loop");
        checkOpen();
    }

    private void checkOpen() {
        if (closed || core.isClosed()) throw new IllegalStateException(this + " is closed");
    }

    private void drive(Runnable r) {
        try {
            r.run();
        } catch (VirtualTimeStop s) {
            throw errorFor(s);
        }
    }

    private AssertionError errorFor(VirtualTimeStop s) {
        String dump = dumpNow();
        return switch (s.kind) {
            case DEADLOCK, NOT_ADVANCED -> new TestLoopDeadlockError(s.getMessage(), dump);
            default -> new StuckLoopError(s.getMessage() + "\n" + dump);
        };
    }
}

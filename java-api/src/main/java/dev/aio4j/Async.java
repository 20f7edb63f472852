package dev.aio4j;

import dev.aio4j.engine.AsCompletedCore;
import dev.aio4j.engine.BlockingPool;
import dev.aio4j.engine.BodyCore;
import dev.aio4j.engine.Delays;
import dev.aio4j.engine.GatherCore;
import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.MapCore;
import dev.aio4j.engine.Outcomes;
import dev.aio4j.engine.RepeatCore;
import dev.aio4j.engine.ResultCore;
import dev.aio4j.engine.ShieldCore;
import dev.aio4j.engine.SleepCore;
import dev.aio4j.engine.SuspendCore;
import dev.aio4j.engine.TaskCore;
import dev.aio4j.engine.TaskGroupCore;
import dev.aio4j.engine.ThreadCore;
import dev.aio4j.engine.WaitCore;
import dev.aio4j.engine.WaitForCore;
import dev.aio4j.engine.WaitMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * asyncio's helpers, for Java: start tasks, sleep, gather, wait, time out, shield, run blocking
 * code on threads.
 *
 * <p><b>Which loop.</b> Every helper runs its task on the current loop when called from task
 * code (a single-threaded loop's thread, or a worker of {@link Loop#shared()}), and on the shared
 * loop otherwise.
 *
 * <p><b>Cancellation.</b> Every helper returns a {@link Task}. Cancelling a task completes it at
 * once with a {@link CancellationException}; what it was waiting for is then cancelled on its
 * loop as each method says (sleeps stop and their timers go, awaited tasks are cancelled, other
 * futures get {@code cancel(true)}).
 *
 * <p><b>Arguments</b> are checked at the call: {@code null} → {@link NullPointerException}, a
 * negative duration or an empty collection where asyncio refuses one →
 * {@link IllegalArgumentException}, both naming the argument. A {@link Duration} of zero means
 * "now" (see each method); durations too long to represent in nanoseconds are treated as
 * practically infinite (decades), never overflowing and never firing early.
 *
 * @since 0.1.0
 */
public final class Async {
    private Async() {}

    // ------------------------------------------------------------------ argument checks

    static void checkDuration(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) throw new IllegalArgumentException(name + " < 0: " + d);
    }

    private static CompletionStage<?>[] checkedStages(Collection<? extends CompletionStage<?>> stages, String name) {
        return checked(stages, name, new CompletionStage<?>[0]);
    }

    /** As {@link #checkedStages}, in an {@code Object[]}: a gather keeps each element in its stage's slot. */
    private static Object[] gatherSlots(Collection<? extends CompletionStage<?>> stages) {
        return checked(stages, "stages", new Object[0]);
    }

    private static <A> A[] checked(Collection<? extends CompletionStage<?>> stages, String name, A[] type) {
        Objects.requireNonNull(stages, name);
        A[] out = stages.toArray(type);
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) throw new NullPointerException(name + "[" + i + "] is null");
            if (!(out[i] instanceof CompletionStage<?>)) throw new ClassCastException(name + "[" + i + "] is not a CompletionStage");
        }
        return out;
    }

    private static LoopCore loopHere() {
        return LoopCore.currentOrShared();
    }

    // ------------------------------------------------------------------ tasks

    /**
     * Starts {@code body} as a task on the current loop (or the shared loop outside any loop);
     * asyncio's {@code create_task}. The body's {@code call()} runs soon on that loop.
     *
     * <p>The task completes with the value of the stage the body returns, fails with its failure
     * or with what {@code call()} throws. Cancelling the task cancels the stage it awaits.
     *
     * @param body the task's code
     * @param <T> the type of the result
     * @return the running task
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the current loop is closed
     */
    public static <T> Task<T> task(AsyncCallable<T> body) {
        Objects.requireNonNull(body, "body");
        LoopCore loop = loopHere();
        loop.checkOpen();
        return Task.launch(new BodyCore(loop, body), null);
    }

    /**
     * As {@link #task(AsyncCallable)}, with a name.
     *
     * @param name the task's name
     * @param body the task's code
     * @param <T> the type of the result
     * @return the running task
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the current loop is closed
     */
    public static <T> Task<T> task(String name, AsyncCallable<T> body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        LoopCore loop = loopHere();
        loop.checkOpen();
        return Task.launch(new BodyCore(loop, body), name);
    }

    // ------------------------------------------------------------------ sleep

    /**
     * A task that completes with {@code null} after {@code delay} (asyncio's {@code sleep}). A zero
     * delay yields: the task completes after every task that is ready now has had its turn.
     * Cancelling the task removes its timer.
     *
     * @param delay how long; not negative
     * @return the sleeping task
     * @throws NullPointerException if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static Task<Void> sleep(Duration delay) {
        return sleep(delay, null);
    }

    /**
     * A task that completes with {@code value} after {@code delay} (asyncio's {@code sleep(d, result)}).
     * Otherwise as {@link #sleep(Duration)}.
     *
     * @param delay how long; not negative
     * @param value the value to complete with (may be null)
     * @param <T> the type of the value
     * @return the sleeping task
     * @throws NullPointerException if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static <T> Task<T> sleep(Duration delay, T value) {
        checkDuration(delay, "delay");
        LoopCore loop = loopHere();
        return Task.launch(new SleepCore(loop, Delays.toNanos(delay), value), null);
    }

    // ------------------------------------------------------------------ gather

    /**
     * A task that completes with the values of all {@code stages}, in argument order (asyncio's
     * {@code gather}). The first failure fails it with that exception (a child's cancellation
     * fails it with a {@link CancellationException} cause; the gather itself is not cancelled);
     * the other stages keep running. Cancelling the gather cancels every stage. No stages:
     * completes at once with an empty list.
     *
     * @param stages the stages to wait for
     * @param <T> the type of the values
     * @return the gathering task; its list is unmodifiable and may hold nulls
     * @throws NullPointerException if {@code stages} or one of them is null
     */
    @SafeVarargs
    public static <T> Task<List<T>> gather(CompletionStage<? extends T>... stages) {
        Objects.requireNonNull(stages, "stages");
        return gather(Arrays.asList(stages));
    }

    /**
     * As {@link #gather(CompletionStage[])}, over a collection (its iteration order is the result order).
     *
     * @param stages the stages to wait for
     * @param <T> the type of the values
     * @return the gathering task
     * @throws NullPointerException if {@code stages} or one of them is null
     */
    public static <T> Task<List<T>> gather(Collection<? extends CompletionStage<? extends T>> stages) {
        return Task.launch(new GatherCore(loopHere(), gatherSlots(stages), null), null);
    }

    /**
     * A task that completes, once every stage has completed, with each one's {@link Outcome} in
     * argument order (asyncio's {@code gather(..., return_exceptions=True)}). It never fails on a
     * stage's account. Cancelling it cancels every stage.
     *
     * @param stages the stages to wait for
     * @param <T> the type of the values
     * @return the gathering task
     * @throws NullPointerException if {@code stages} or one of them is null
     */
    @SafeVarargs
    public static <T> Task<List<Outcome<T>>> gatherSettled(CompletionStage<? extends T>... stages) {
        Objects.requireNonNull(stages, "stages");
        return gatherSettled(Arrays.asList(stages));
    }

    /**
     * As {@link #gatherSettled(CompletionStage[])}, over a collection.
     *
     * @param stages the stages to wait for
     * @param <T> the type of the values
     * @return the gathering task
     * @throws NullPointerException if {@code stages} or one of them is null
     */
    public static <T> Task<List<Outcome<T>>> gatherSettled(Collection<? extends CompletionStage<? extends T>> stages) {
        return Task.launch(new GatherCore(loopHere(), gatherSlots(stages),
                (value, error) -> error == null ? new Outcome.Success<>(value) : new Outcome.Failure<>(error)), null);
    }

    // ------------------------------------------------------------------ wait

    /**
     * A task that completes when {@code when} is met (asyncio's {@code wait}), with the stages
     * that are done and those still pending. It raises nothing and cancels nothing; cancelling it
     * leaves the stages running. It stops listening to the stages as soon as it completes.
     *
     * @param futures the stages to watch (duplicates count once)
     * @param when when to return
     * @param <F> the type of the stages
     * @return the waiting task
     * @throws NullPointerException if an argument or one of the stages is null
     * @throws IllegalArgumentException if {@code futures} is empty
     */
    public static <F extends CompletionStage<?>> Task<Done<F>> wait(Collection<F> futures, ReturnWhen when) {
        return waitImpl(futures, when, -1L);
    }

    /**
     * As {@link #wait(Collection, ReturnWhen)}, returning at the latest after {@code timeout}
     * with whatever is done then (a timeout raises nothing and cancels nothing). A zero timeout
     * reports the current state at once.
     *
     * @param futures the stages to watch
     * @param when when to return
     * @param timeout the longest to wait; not negative
     * @param <F> the type of the stages
     * @return the waiting task
     * @throws NullPointerException if an argument or one of the stages is null
     * @throws IllegalArgumentException if {@code futures} is empty or {@code timeout} negative
     */
    public static <F extends CompletionStage<?>> Task<Done<F>> wait(Collection<F> futures, ReturnWhen when, Duration timeout) {
        checkDuration(timeout, "timeout");
        return waitImpl(futures, when, Delays.toNanos(timeout));
    }

    private static <F extends CompletionStage<?>> Task<Done<F>> waitImpl(Collection<F> futures, ReturnWhen when, long nanos) {
        Objects.requireNonNull(when, "when");
        CompletionStage<?>[] arr = checkedStages(futures, "futures");
        if (arr.length == 0) throw new IllegalArgumentException("futures is empty: there is nothing to wait for");
        WaitMode mode = switch (when) {
            case FIRST_COMPLETED -> WaitMode.FIRST_COMPLETED;
            case FIRST_EXCEPTION -> WaitMode.FIRST_EXCEPTION;
            case ALL_COMPLETED -> WaitMode.ALL_COMPLETED;
        };
        return Task.launch(new WaitCore(loopHere(), arr, mode, nanos, flags -> {
            Set<F> done = new LinkedHashSet<>();
            Set<F> pending = new LinkedHashSet<>();
            for (int i = 0; i < arr.length; i++) {
                @SuppressWarnings("unchecked")
                F f = (F) arr[i];
                (flags[i] ? done : pending).add(f);
            }
            pending.removeAll(done);
            return new Done<>(Collections.unmodifiableSet(done), Collections.unmodifiableSet(pending));
        }), null);
    }

    // ------------------------------------------------------------------ timeouts

    /**
     * A task that completes as {@code stage} does, unless {@code timeout} passes first: then
     * {@code stage} is cancelled and the task fails with {@link TimeoutException} (asyncio's
     * {@code wait_for}). The task is failed, not cancelled ({@code isCancelled()} is false). If
     * the stage completes at the same moment the deadline passes, its outcome wins and nothing is
     * lost. The timer is withdrawn on every path. Cancelling the task cancels {@code stage}. A
     * zero timeout: the stage's outcome if it is already done, else a timeout at once.
     *
     * @param stage the stage to wait for
     * @param timeout the deadline, from now; not negative
     * @param <T> the type of the value
     * @return the waiting task
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static <T> Task<T> waitFor(CompletionStage<T> stage, Duration timeout) {
        Objects.requireNonNull(stage, "stage");
        checkDuration(timeout, "timeout");
        return Task.launch(WaitForCore.forStage(loopHere(), stage, timeout), null);
    }

    /**
     * Runs {@code body} as a task under a deadline (asyncio's {@code async with timeout(d)}): the
     * task completes as the body's stage does, or, when {@code timeout} passes first, that stage
     * is cancelled and the task fails with {@link TimeoutException}. As {@link #waitFor}
     * otherwise; the body's {@code call()} runs on the loop as the task's own code.
     *
     * @param timeout the deadline, from when the task starts; not negative
     * @param body the code to run
     * @param <T> the type of the value
     * @return the task
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws IllegalStateException if the current loop is closed
     */
    public static <T> Task<T> timeout(Duration timeout, AsyncCallable<T> body) {
        checkDuration(timeout, "timeout");
        Objects.requireNonNull(body, "body");
        LoopCore loop = loopHere();
        loop.checkOpen();
        return Task.launch(WaitForCore.forBody(loop, body, timeout), null);
    }

    // ------------------------------------------------------------------ as_completed

    /**
     * One task per stage, the i-th completing with the i-th outcome to arrive (asyncio's
     * {@code as_completed}): iterate and join them in order to handle results as they come.
     * Cancelling one of the returned tasks is local to it; the stages keep running.
     *
     * @param stages the stages
     * @param <T> the type of the values
     * @return the tasks, as many as stages, in completion order
     * @throws NullPointerException if {@code stages} or one of them is null
     */
    public static <T> List<Task<T>> asCompleted(Collection<? extends CompletionStage<? extends T>> stages) {
        return asCompletedImpl(stages, -1L, "");
    }

    /**
     * As {@link #asCompleted(Collection)}; when {@code timeout} passes, the tasks still open fail
     * with {@link TimeoutException} (the stages are not cancelled).
     *
     * @param stages the stages
     * @param timeout the deadline, from now; not negative
     * @param <T> the type of the values
     * @return the tasks, in completion order
     * @throws NullPointerException if an argument or one of the stages is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static <T> List<Task<T>> asCompleted(Collection<? extends CompletionStage<? extends T>> stages, Duration timeout) {
        checkDuration(timeout, "timeout");
        return asCompletedImpl(stages, Delays.toNanos(timeout), timeout.toString());
    }

    private static <T> List<Task<T>> asCompletedImpl(Collection<? extends CompletionStage<? extends T>> stages, long nanos, String text) {
        CompletionStage<?>[] arr = checkedStages(stages, "stages");
        LoopCore loop = loopHere();
        ResultCore[] outs = new ResultCore[arr.length];
        List<Task<T>> tasks = new ArrayList<>(arr.length);
        for (int i = 0; i < arr.length; i++) {
            outs[i] = new ResultCore(loop);
            tasks.add(Task.launch(outs[i], null));
        }
        AsCompletedCore coordinator = new AsCompletedCore(loop, arr, outs, nanos, text);
        coordinator.launchHidden(); // its future is never handed out
        return Collections.unmodifiableList(tasks);
    }

    // ------------------------------------------------------------------ shield

    /**
     * A task that completes as {@code stage} does, but whose cancellation does not reach
     * {@code stage} (asyncio's {@code shield}): cancelling it only stops it listening. If the
     * stage itself is cancelled, the task is cancelled too.
     *
     * @param stage the stage to protect
     * @param <T> the type of the value
     * @return the shielding task
     * @throws NullPointerException if {@code stage} is null
     */
    public static <T> Task<T> shield(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        return Task.launch(new ShieldCore(loopHere(), stage), null);
    }

    // ------------------------------------------------------------------ threads

    /**
     * Runs blocking {@code work} on another thread and completes with its result on the current
     * loop (asyncio's {@code to_thread}): a virtual thread per call on JDK 21+, a bounded cached
     * pool of daemon threads on JDK 17. Cancelling the task interrupts the thread running the work
     * (or keeps it from starting); the task is done at once, and finished (for {@link Loop#run})
     * when the work has returned.
     *
     * @param work the blocking code
     * @param <T> the type of the result
     * @return the task
     * @throws NullPointerException if {@code work} is null
     */
    public static <T> Task<T> toThread(Callable<T> work) {
        Objects.requireNonNull(work, "work");
        return Task.launch(new ThreadCore(loopHere(), BlockingPool.executor(), work), null);
    }

    /**
     * Runs blocking {@code work} on {@code executor} and completes with its result on the current
     * loop (asyncio's {@code run_in_executor}). Cancelling interrupts the thread running it, as
     * {@link #toThread}. If the executor rejects the work, the task fails with its
     * {@link java.util.concurrent.RejectedExecutionException}.
     *
     * @param executor where to run the work
     * @param work the blocking code
     * @param <T> the type of the result
     * @return the task
     * @throws NullPointerException if an argument is null
     */
    public static <T> Task<T> runInExecutor(Executor executor, Callable<T> work) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(work, "work");
        return Task.launch(new ThreadCore(loopHere(), executor, work), null);
    }

    /**
     * Blocks the calling thread until {@code stage} completes and returns its value: sequential
     * "await" code for worker threads and virtual threads (e.g. inside {@link #toThread}).
     * Refused on loop threads, where it would stall the loop.
     *
     * <p>Interrupting the waiting thread means the awaiting code is gone (as a cancelled coroutine
     * in asyncio): {@code stage} is cancelled ({@code cancel(true)}; a task's work in turn) and
     * {@link InterruptedException} is thrown, the thread's interrupt status cleared as usual. So a
     * {@link #toThread} job blocked here that is cancelled cancels what it awaits.
     *
     * @param stage what to wait for
     * @param <T> the type of the value
     * @return the value
     * @throws Exception the stage's failure, unwrapped ({@link CancellationException} if cancelled)
     * @throws InterruptedException if the waiting thread was interrupted (the stage is then cancelled)
     * @throws NullPointerException if {@code stage} is null
     * @throws IllegalStateException if called on a loop thread (return the stage from your
     *     {@link AsyncCallable} instead)
     */
    public static <T> T await(CompletionStage<T> stage) throws Exception {
        Objects.requireNonNull(stage, "stage");
        LoopCore current = LoopCore.current();
        if (current != null) {
            throw new IllegalStateException("Async.await would block the loop thread of " + current
                    + ": return the stage from your AsyncCallable (or compose it with thenCompose) instead,"
                    + " or call await inside Async.toThread");
        }
        CompletableFuture<T> f = stage.toCompletableFuture();
        try {
            return f.get();
        } catch (InterruptedException e) {
            TaskCore.cancelStage(stage, null);
            throw e;
        } catch (ExecutionException | CancellationException e) {
            throw rethrowable(Outcomes.unwrap(e));
        }
    }

    // ------------------------------------------------------------------ task groups

    /**
     * Runs {@code body} as a task group (asyncio's {@code async with TaskGroup()}): structured
     * concurrency. The body runs soon on the current loop (the shared loop outside any loop) as
     * the group task's own code, gets the {@link TaskGroup}, starts children with
     * {@link TaskGroup#task}, and returns a stage, typically combining the children's results.
     *
     * <ul>
     *   <li><b>Completes</b> with the value of the body's stage, once that stage is done and every
     *       child has finished (done, and its cleanup has run on the loop).
     *   <li><b>Fails</b> with the first failure of the group: the body's {@code apply} throwing or
     *       returning null, its stage failing, or a child failing. That failure cancels the body's
     *       stage and every other child; the group fails once they have all finished, and failures
     *       that arrive meanwhile are attached to the first as {@linkplain Throwable#getSuppressed()
     *       suppressed}. A child cancelled on its own is not a failure and does not affect the
     *       group; if the body's stage is cancelled by someone else, the group ends cancelled.
     *   <li><b>Cancelling</b> the returned task completes it at once with a
     *       {@link CancellationException} (as for every task) and cancels the body's stage and every
     *       child on the group's loop, where their cleanup runs; {@link Loop#run} and
     *       {@link Loop#close()} wait until they have finished. A cancelled group stays cancelled,
     *       whatever its children do while they end: an outer cancellation is never swallowed.
     *   <li>Once the group is shutting down (cancelled, or after a failure) or has finished,
     *       {@link TaskGroup#task} refuses new children with {@link IllegalStateException}.
     *   <li>Groups nest: an inner group is a stage like any other, so its failure fails the outer
     *       body at the point where that awaits it, and cancelling the outer group cancels the inner.
     * </ul>
     *
     * <p>The body and the children run on the group's loop (the body as the group task:
     * {@link #currentTask()} there is the group's task).
     *
     * @param body the group's body: starts children and returns the stage whose value the group
     *     completes with
     * @param <T> the type of the result
     * @return the group's task
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the current loop is closed
     */
    public static <T> Task<T> taskGroup(Function<? super TaskGroup, ? extends CompletionStage<T>> body) {
        Objects.requireNonNull(body, "body");
        return startGroup(null, body);
    }

    /**
     * As {@link #taskGroup(Function)}, with a name for the group's task.
     *
     * @param name the group task's name
     * @param body the group's body
     * @param <T> the type of the result
     * @return the group's task
     * @throws NullPointerException if {@code name} or {@code body} is null
     * @throws IllegalStateException if the current loop is closed
     */
    public static <T> Task<T> taskGroup(String name, Function<? super TaskGroup, ? extends CompletionStage<T>> body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        return startGroup(name, body);
    }

    private static <T> Task<T> startGroup(String name, Function<? super TaskGroup, ? extends CompletionStage<T>> body) {
        LoopCore loop = loopHere();
        loop.checkOpen();
        return Task.launch(new TaskGroupCore(loop, core -> body.apply(new TaskGroup(core)), body), name);
    }

    // ------------------------------------------------------------------ loops over steps and items

    /**
     * Runs {@code step} again and again while the stage it returns yields {@code true}: the
     * asynchronous {@code while} loop, without the recursion users otherwise write by hand
     * ({@code get().thenCompose(work).thenCompose(x -> again())}). Each iteration's
     * {@code call()} runs on the current loop (the shared loop outside any loop) as the returned
     * task's own code, after the previous iteration's stage completed. However many iterations
     * there are and however many stages are already complete, the stack does not grow: an
     * iteration that could continue inline continues through the loop after a bounded depth.
     *
     * <p>The task completes with {@code null} when a step's stage yields {@code false}. It fails
     * with the first failure of a step ({@code call()} throwing, returning null, or its stage
     * failing or completing with null), and no further step runs. Cancelling the task cancels the
     * iteration in progress (the stage it awaits, and so on down) and runs no further step.
     *
     * @param step one iteration: returns a stage that yields whether to go on
     * @return the task running the loop
     * @throws NullPointerException if {@code step} is null
     * @throws IllegalStateException if the current loop is closed
     */
    public static Task<Void> repeatWhile(AsyncCallable<Boolean> step) {
        Objects.requireNonNull(step, "step");
        LoopCore loop = loopHere();
        loop.checkOpen();
        return Task.launch(new RepeatCore(loop, step), null);
    }

    /**
     * Calls {@code fn} on every item with at most {@code concurrency} calls in flight, and
     * completes with the results in input order (a bounded {@code gather} over a stream of calls).
     * Items are read lazily, one each time a call completes and frees a slot; {@code fn} runs on
     * the current loop (the shared loop outside any loop) as the returned task's code.
     *
     * <p>The first failure ({@code fn} throwing or returning null, a call's stage failing or being
     * cancelled, or the iterator throwing) fails the task at once and cancels the calls in flight
     * ({@code cancel(true)}; a task's work in turn); failures of calls that end afterwards are
     * attached to it as {@linkplain Throwable#getSuppressed() suppressed}, and no further call
     * starts. Cancelling the task cancels every call in flight and starts no further one. An empty
     * {@code items} completes with an empty list.
     *
     * @param concurrency the most calls in flight at once; at least 1
     * @param items the items, read once, in order
     * @param fn the call to make for each item
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the task, completing with an unmodifiable list of the results in input order
     * @throws NullPointerException if {@code items} or {@code fn} is null
     * @throws IllegalArgumentException if {@code concurrency} is less than 1
     * @throws IllegalStateException if the current loop is closed
     */
    @SuppressWarnings("unchecked")
    public static <T, R> Task<List<R>> map(int concurrency, Iterable<T> items,
            Function<? super T, ? extends CompletionStage<R>> fn) {
        if (concurrency < 1) throw new IllegalArgumentException("concurrency < 1: " + concurrency);
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(fn, "fn");
        LoopCore loop = loopHere();
        loop.checkOpen();
        Function<Object, CompletionStage<?>> call = item -> fn.apply((T) item);
        return Task.launch(new MapCore(loop, (java.util.Iterator<Object>) items.iterator(), concurrency, call), null);
    }

    // ------------------------------------------------------------------ Kotlin

    /**
     * Runs a Kotlin {@code suspend fun} as a task: {@code Async.fromSuspend(c -> repo.findUser(42, c))}
     * (see {@link SuspendCall}). The function runs soon in a kotlinx coroutine on the current loop
     * (the shared loop outside any loop): on that loop's thread, with the loop's timers behind
     * {@code delay}, and with a {@code CoroutineName} equal to the task's name, which kotlinx's
     * debug tooling shows. It works whether the function suspends or returns at once.
     *
     * <p>The task completes with the function's value, or fails with what it throws, as it was
     * thrown in Kotlin (a {@code join()} wraps it in a {@link CompletionException}). A kotlinx
     * {@code TimeoutCancellationException} (from {@code withTimeout}) fails the task with a
     * {@link TimeoutException} instead, as {@link #waitFor} does; any other
     * {@link CancellationException} the function throws cancels the task.
     *
     * <p>Cancelling the task cancels the coroutine: the function's current suspension point
     * throws {@code CancellationException} in Kotlin, its {@code finally} blocks run on the loop,
     * and the task finishes (for {@link Loop#run} and {@link Loop#close()}) when the coroutine has ended.
     *
     * @param call calls the suspend function with the continuation it is given
     * @param <T> the type of the result
     * @return the task
     * @throws NullPointerException if {@code call} is null
     * @throws IllegalStateException if the current loop is closed
     */
    public static <T> Task<T> fromSuspend(SuspendCall<T> call) {
        Objects.requireNonNull(call, "call");
        return startSuspend(null, call);
    }

    /**
     * As {@link #fromSuspend(SuspendCall)}, with a name for the task and its coroutine.
     *
     * @param name the task's name (also the coroutine's {@code CoroutineName})
     * @param call calls the suspend function with the continuation it is given
     * @param <T> the type of the result
     * @return the task
     * @throws NullPointerException if {@code name} or {@code call} is null
     * @throws IllegalStateException if the current loop is closed
     */
    public static <T> Task<T> fromSuspend(String name, SuspendCall<T> call) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(call, "call");
        return startSuspend(name, call);
    }

    private static <T> Task<T> startSuspend(String name, SuspendCall<T> call) {
        LoopCore loop = loopHere();
        loop.checkOpen();
        SuspendCore core = new SuspendCore(loop, continuation -> {
            try {
                return call.invoke(continuation);
            } catch (Exception e) {
                throw sneaky(e);
            }
        });
        Task<T> task = new Task<>(core, name);
        core.coroutineName = task.name();
        core.launch();
        return task;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    // ------------------------------------------------------------------ introspection

    /**
     * The task whose code is running on the calling thread (asyncio's {@code current_task}): set
     * while a task's {@link AsyncCallable#call()} runs.
     *
     * @return the current task, or empty outside task code
     */
    public static Optional<Task<?>> currentTask() {
        LoopCore loop = LoopCore.current();
        if (loop == null) return Optional.empty();
        TaskCore c = loop.currentTask();
        return c != null && c.host instanceof Task<?> t ? Optional.of(t) : Optional.empty();
    }

    /**
     * The tasks of the current loop (the shared loop outside any loop) that are not done yet
     * (asyncio's {@code all_tasks}), including sleeps and other helper tasks. A zero-delay sleep is
     * a yield (in asyncio not a task at all): it is listed on debug and test loops only, elsewhere
     * it takes no entry in the loop's list of tasks.
     *
     * @return a snapshot, in no guaranteed order
     */
    public static Set<Task<?>> allTasks() {
        Set<Task<?>> out = new LinkedHashSet<>();
        for (TaskCore c : loopHere().pendingTasks()) {
            if (c.host instanceof Task<?> t && !t.isDone()) out.add(t);
        }
        return out;
    }

    // ------------------------------------------------------------------ seeing inside

    /**
     * A dump of the live tasks of every running loop (the shared loop last): each task with its
     * state, age, what it awaits and which tasks await it, as a tree per loop with cycles of
     * awaiting (deadlocks) shown as cycles ({@link TaskDump}). Callable from any thread, also while
     * a loop's thread is stuck. Test loops are not included (use their own {@code dump()}).
     *
     * @return the dump, never null
     * @since 0.2.0
     */
    public static TaskDump dumpTasks() {
        return TaskDump.of("all loops", Observability.allLoops());
    }

    /**
     * Registers a context propagator process-wide: every task, callback and {@code toThread} job
     * created after this call, on every loop including {@link Loop#shared()}, carries the context
     * the propagator captures (see {@link ContextPropagator}). Registering the same propagator
     * twice has no further effect. Register before loops run; tasks created earlier keep running
     * without it.
     *
     * @param propagator the propagator
     * @throws NullPointerException if {@code propagator} is null
     * @since 0.2.0
     */
    public static void registerContextPropagator(ContextPropagator<?> propagator) {
        Objects.requireNonNull(propagator, "propagator");
        Observability.register(propagator);
    }

    /**
     * Withdraws a propagator registered with {@link #registerContextPropagator}: tasks created
     * afterwards no longer carry its context (those created before keep it).
     *
     * @param propagator the propagator
     * @return true if it was registered
     * @throws NullPointerException if {@code propagator} is null
     * @since 0.2.0
     */
    public static boolean unregisterContextPropagator(ContextPropagator<?> propagator) {
        Objects.requireNonNull(propagator, "propagator");
        return Observability.unregister(propagator);
    }

    // ------------------------------------------------------------------ internal

    /** Unwraps a done task's outcome the way Loop.run and await rethrow it. */
    static <T> T unwrapResult(Task<T> task) throws Exception {
        try {
            return task.getNow(null);
        } catch (CompletionException | CancellationException e) {
            throw rethrowable(Outcomes.unwrap(e));
        }
    }

    static Exception rethrowable(Throwable t) {
        if (t instanceof Error e) throw e;
        if (t instanceof Exception e) return e;
        return new ExecutionException(t);
    }
}

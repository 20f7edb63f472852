package dev.aio4j;

import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.sync.GuardedCore;
import dev.aio4j.engine.sync.SemaphoreCore;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A non-blocking counting semaphore for tasks (asyncio's {@code Semaphore} and
 * {@code BoundedSemaphore}): it limits how many tasks do something at once, and waiting for a
 * permit costs a future, not a thread.
 *
 * <pre>{@code
 * AsyncSemaphore slots = new AsyncSemaphore(10);
 * Task<String> page = slots.withPermit(() -> fetch(url));   // at most 10 fetches at once
 * }</pre>
 *
 * <p><b>asyncio's counting.</b> {@code new AsyncSemaphore(0)} is legal (everyone waits for a
 * release), and {@link #release()} on a plain semaphore raises the count without limit, even
 * past the initial value. {@link #bounded(int)} makes a semaphore for which releasing more
 * permits than were acquired is an error.
 *
 * <p><b>Fair.</b> Waiters get permits in the order they called {@link #acquire()}; a
 * {@link #tryAcquire()} never takes a permit from under a waiter.
 *
 * <p><b>Threads.</b> Every method is thread-safe, from any thread and from tasks of different
 * loops at once. The future of a waiting {@link #acquire()} completes on the loop of the task
 * that called it (at that loop's next step, never inside the code that released); called outside
 * any loop, it completes on the thread that releases. Permits are not owned by threads or tasks.
 * A future that is cancelled completes, and runs its dependent stages, on the thread that cancels it.
 *
 * @since 0.1.0
 */
public final class AsyncSemaphore {
    final SemaphoreCore core;

    /**
     * Creates a semaphore with {@code permits} free permits; {@link #release()} may raise the
     * count beyond it (asyncio's {@code Semaphore(n)}).
     *
     * @param permits the initial number of free permits; 0 or more
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public AsyncSemaphore(int permits) {
        this(permits, false);
    }

    private AsyncSemaphore(int permits, boolean bounded) {
        if (permits < 0) throw new IllegalArgumentException("permits < 0: " + permits);
        core = new SemaphoreCore(permits, bounded);
    }

    /**
     * Creates a semaphore with {@code permits} free permits that refuses to be released more
     * often than it was acquired (asyncio's {@code BoundedSemaphore(n)}).
     *
     * @param permits the initial and maximal number of free permits; 0 or more
     * @return the semaphore
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public static AsyncSemaphore bounded(int permits) {
        return new AsyncSemaphore(permits, true);
    }

    /**
     * Acquires a permit (asyncio's {@code await sem.acquire()}).
     *
     * <p>The future completes with {@code null} once the caller holds a permit: at once (an
     * already-completed future, possibly shared) if one is free, otherwise when a release hands
     * one to it, in FIFO order. Whoever holds a permit must {@link #release()} it once.
     *
     * <p><b>Cancelling</b> the future (or a stage derived from it) withdraws the waiter: it
     * completes with a {@link CancellationException} and leaves the queue. If a permit was handed
     * to it at that same moment, the permit passes to the next waiter (or back to the count): it
     * is never lost. Once the future has completed normally, cancelling it does nothing and the
     * permit is yours to release. {@code completeExceptionally} (hence {@code orTimeout}), on the
     * future or on a stage derived from it, withdraws the waiter the same way; {@code complete}
     * and {@code obtrude*} throw {@link UnsupportedOperationException}.
     *
     * @return a future that completes when the caller holds a permit
     */
    public CompletableFuture<Void> acquire() {
        return core.acquire();
    }

    /**
     * Takes a permit if one is free (then nobody waits); never waits.
     *
     * @return true if the caller now holds a permit (and must release it)
     */
    public boolean tryAcquire() {
        return core.tryAcquire();
    }

    /**
     * Releases a permit: the first waiter gets it (its future completes on its loop), or, with
     * no waiter, the count of free permits goes up by one.
     *
     * @throws IllegalStateException if the semaphore is {@linkplain #bounded(int) bounded} and
     *     every permit is already released (more releases than acquires), or if the count would
     *     pass {@link Integer#MAX_VALUE}
     */
    public void release() {
        core.release();
    }

    /**
     * The number of free permits now (asyncio's {@code _value}); 0 while tasks wait.
     *
     * @return the free permits
     */
    public int availablePermits() {
        return core.availablePermits();
    }

    /**
     * Runs {@code body} while holding a permit (asyncio's {@code async with sem:}): a task on the
     * current loop (the shared loop outside any loop) that acquires a permit, runs the body as its
     * code on that loop, awaits the stage the body returned, and releases the permit on every path
     * before it completes.
     *
     * <p>The task completes as the body's stage does, and fails with what {@code call()} throws.
     *
     * <p><b>Cancelling</b> the task while it waits for a permit withdraws it and releases
     * nothing. Cancelling it while the body runs cancels the stage the body returned; the permit
     * is released once that stage has completed.
     *
     * @param body the code to run with a permit
     * @param <T> the type of the result
     * @return the task
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the current loop is closed
     */
    public <T> Task<T> withPermit(AsyncCallable<T> body) {
        Objects.requireNonNull(body, "body");
        LoopCore loop = LoopCore.currentOrShared();
        loop.checkOpen();
        return Task.launch(new GuardedCore(loop, core, body), null);
    }

    /**
     * Describes the semaphore: {@code AsyncSemaphore[permits=0, waiters=3]}.
     *
     * @return the state
     */
    @Override
    public String toString() {
        return core.toString();
    }
}

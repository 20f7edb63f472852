package dev.aio4j;

import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.sync.GuardedCore;
import dev.aio4j.engine.sync.LockCore;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A non-blocking mutual-exclusion lock for tasks (asyncio's {@code Lock}): waiting for it costs
 * a future, not a thread.
 *
 * <pre>{@code
 * AsyncLock lock = new AsyncLock();
 * Task<Integer> t = lock.withLock(() -> updateSharedState());   // acquire, run, release
 * }</pre>
 *
 * <p><b>Fair.</b> Waiters get the lock in the order they called {@link #acquire()}; a
 * {@link #tryAcquire()} never takes it from under a waiter.
 *
 * <p><b>Not owned by a thread.</b> Async code hops between threads, so the lock belongs to
 * nobody in particular: as in asyncio, any code may {@link #release()} a locked lock. The
 * discipline "release what you acquired" is the caller's; {@link #withLock} keeps it for you.
 *
 * <p><b>Threads.</b> Every method is thread-safe, from any thread and from tasks of different
 * loops at once. The future of a waiting {@link #acquire()} completes on the loop of the task
 * that called it (its continuation runs at that loop's next step, never inside the code that
 * released); called outside any loop, it completes on the thread that releases.
 * A future that is cancelled completes, and runs its dependent stages, on the thread that cancels it.
 *
 * <p>A lock held by nobody and waited on by nobody is garbage like any object; 100,000 waiters
 * cost memory only (one small future each), and a withdrawn waiter leaves nothing behind.
 *
 * @since 0.1.0
 */
public final class AsyncLock {
    final LockCore core = new LockCore();

    /** Creates an unlocked lock. */
    public AsyncLock() {}

    /**
     * Acquires the lock (asyncio's {@code await lock.acquire()}).
     *
     * <p>The future completes with {@code null} once the caller holds the lock: at once (an
     * already-completed future, possibly shared) if it is free and nobody waits, otherwise when
     * every earlier waiter has had it. Whoever holds it must {@link #release()} it once.
     *
     * <p><b>Cancelling</b> the future (or a stage derived from it, such as
     * {@code acquire().thenCompose(...)}) withdraws the waiter: it completes with a
     * {@link CancellationException} and leaves the queue. If the lock was handed to it at that
     * same moment, the lock passes to the next waiter (or becomes free): it is never lost, and
     * never held by a cancelled waiter. Once the future has completed normally, cancelling it does
     * nothing and the lock is yours to release. {@code completeExceptionally} (hence
     * {@code orTimeout}), on the future or on a stage derived from it, withdraws the waiter the
     * same way; {@code complete} and {@code obtrude*} throw {@link UnsupportedOperationException}.
     *
     * <p>Blocking on it with {@code join()}/{@code get()} from the thread of the loop that must
     * complete it throws {@link IllegalStateException} (it would deadlock).
     *
     * @return a future that completes when the caller holds the lock
     */
    public CompletableFuture<Void> acquire() {
        return core.acquire();
    }

    /**
     * Takes the lock if it is free and nobody waits for it; never waits.
     *
     * @return true if the caller now holds the lock (and must release it)
     */
    public boolean tryAcquire() {
        return core.tryAcquire();
    }

    /**
     * Releases the lock: the first waiter gets it (its future completes on its loop), or, with
     * no waiter, it becomes free. Any code may release it (see the class comment).
     *
     * @throws IllegalStateException if the lock is not locked
     */
    public void release() {
        core.release();
    }

    /**
     * Tells whether the lock is held (asyncio's {@code locked()}), counting a lock already handed
     * to a waiter whose future has not completed yet.
     *
     * @return true if locked
     */
    public boolean isLocked() {
        return core.isLocked();
    }

    /**
     * Runs {@code body} while holding the lock (asyncio's {@code async with lock:}): a task on the
     * current loop (the shared loop outside any loop) that acquires the lock, runs the body as its
     * code on that loop, awaits the stage the body returned, and releases the lock on every path
     * before it completes.
     *
     * <p>The task completes as the body's stage does, and fails with what {@code call()} throws.
     *
     * <p><b>Cancelling</b> the task while it waits for the lock withdraws it from the queue and
     * releases nothing (it held nothing). Cancelling it while the body runs cancels the stage the
     * body returned; the lock is released once that stage has completed. So that cancellation
     * reaches it, return the stage you wait on (or one derived from it), as any task body does.
     *
     * @param body the code to run under the lock
     * @param <T> the type of the result
     * @return the task
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the current loop is closed
     */
    public <T> Task<T> withLock(AsyncCallable<T> body) {
        Objects.requireNonNull(body, "body");
        LoopCore loop = LoopCore.currentOrShared();
        loop.checkOpen();
        return Task.launch(new GuardedCore(loop, core, body), null);
    }

    /**
     * Describes the lock: {@code AsyncLock[locked, waiters=2]}.
     *
     * @return the state
     */
    @Override
    public String toString() {
        return core.toString();
    }
}

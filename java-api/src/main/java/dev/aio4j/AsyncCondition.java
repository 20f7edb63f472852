package dev.aio4j;

import dev.aio4j.engine.sync.ConditionCore;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A condition variable for tasks (asyncio's {@code Condition}): tasks holding its
 * {@link AsyncLock} wait until another task signals them. Java names stand in for asyncio's
 * {@code wait}/{@code notify}/{@code notify_all}, which {@link Object} already declares:
 * {@link #await()}, {@link #signal()}, {@link #signalAll()}.
 *
 * <pre>{@code
 * AsyncCondition cond = new AsyncCondition();
 * // consumer
 * cond.withLock(() -> cond.awaitUntil(() -> !items.isEmpty()).thenApply(v -> items.remove()));
 * // producer
 * cond.withLock(() -> { items.add(x); cond.signal(); return Async.sleep(Duration.ZERO); });
 * }</pre>
 *
 * <p><b>The lock is held whenever a wait completes.</b> {@link #await()} releases the lock, and
 * its future completes only once the lock has been handed back to the waiter, in FIFO order with
 * the lock's other waiters. That holds when the wait is cancelled too: cancelling asks the waiter
 * to leave, and its future completes with a {@link CancellationException} only after the lock is
 * held again. So when the future (or a stage derived from it) completes, normally or not, the
 * caller holds the lock and must release it; {@link #withLock} does. A signal given to a waiter
 * that is cancelled before its future completes passes to another waiter.
 *
 * <p><b>Misuse.</b> {@link #await()}, {@link #awaitUntil}, {@link #signal()} and
 * {@link #signalAll()} called while the lock is not held throw {@link IllegalStateException}.
 * As for {@link AsyncLock}, "held" is not tied to a thread: the check is that the lock is locked.
 *
 * <p><b>Threads.</b> Every method is thread-safe, from any thread and from tasks of different
 * loops at once. A waiter's future completes on the loop of the task that called {@link #await()}
 * (outside any loop, on the thread that hands it the lock). A withdrawn wait completes, as any
 * wait, once the lock is handed to it.
 *
 * @since 0.1.0
 */
public final class AsyncCondition {
    private final AsyncLock lock;
    final ConditionCore core;

    /** Creates a condition with a new lock of its own. */
    public AsyncCondition() {
        this(new AsyncLock());
    }

    /**
     * Creates a condition over an existing lock (asyncio's {@code Condition(lock)}); several
     * conditions may share one lock.
     *
     * @param lock the lock
     * @throws NullPointerException if {@code lock} is null
     */
    public AsyncCondition(AsyncLock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.core = new ConditionCore(lock.core);
    }

    /**
     * The condition's lock.
     *
     * @return the lock
     */
    public AsyncLock lock() {
        return lock;
    }

    /**
     * Acquires the condition's lock; as {@link AsyncLock#acquire()}.
     *
     * @return a future that completes when the caller holds the lock; cancelling it withdraws the waiter
     */
    public CompletableFuture<Void> acquire() {
        return lock.acquire();
    }

    /**
     * Takes the condition's lock if it is free; as {@link AsyncLock#tryAcquire()}.
     *
     * @return true if the caller now holds the lock
     */
    public boolean tryAcquire() {
        return lock.tryAcquire();
    }

    /**
     * Releases the condition's lock; as {@link AsyncLock#release()}.
     *
     * @throws IllegalStateException if the lock is not locked
     */
    public void release() {
        lock.release();
    }

    /**
     * Tells whether the condition's lock is held.
     *
     * @return true if locked
     */
    public boolean isLocked() {
        return lock.isLocked();
    }

    /**
     * Runs {@code body} holding the condition's lock; as {@link AsyncLock#withLock}. The lock is
     * released when the body's stage completes, so a body that returns the future of
     * {@link #await()} (or a stage derived from it) is released after the wait re-acquired it,
     * even when the task is cancelled.
     *
     * @param body the code to run under the lock
     * @param <T> the type of the result
     * @return the task
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the current loop is closed
     */
    public <T> Task<T> withLock(AsyncCallable<T> body) {
        return lock.withLock(body);
    }

    /**
     * Releases the lock and waits to be signalled (asyncio's {@code await cond.wait()}).
     *
     * <p>The future completes with {@code null} after a {@link #signal()} or {@link #signalAll()}
     * chose this waiter (FIFO) and the lock has been handed back to it: the caller holds the lock
     * again.
     *
     * <p><b>Cancelling</b> the future (or a stage derived from it) asks the waiter to leave:
     * {@code cancel} returns true at once, but the future completes with a
     * {@link CancellationException} only once the lock is held again (until then
     * {@code isDone()} is false), so the caller holds the lock then too. A signal the waiter had
     * received passes to another waiter. {@code completeExceptionally(ex)} (hence
     * {@code orTimeout}) does the same with {@code ex}; {@code complete} and {@code obtrude*}
     * throw {@link UnsupportedOperationException}.
     *
     * @return a future that completes, with the lock held, once signalled
     * @throws IllegalStateException if the lock is not held
     */
    public CompletableFuture<Void> await() {
        return core.await();
    }

    /**
     * Waits until {@code predicate} is true (asyncio's {@code await cond.wait_for(predicate)}):
     * the predicate is checked now, then again each time this waiter is signalled and holds the
     * lock again, on its loop; it always runs with the lock held.
     *
     * <p>The future completes with {@code null}, with the lock held, once the predicate returned
     * true: at once (an already-completed future) if it is true now. If the predicate throws,
     * the future fails with that exception, the lock still held.
     *
     * <p><b>Cancelling</b> behaves as for {@link #await()}: the future completes with a
     * {@link CancellationException} once the lock is held again.
     *
     * @param predicate the condition to wait for; it must not block
     * @return a future that completes, with the lock held, once the predicate holds
     * @throws NullPointerException if {@code predicate} is null
     * @throws IllegalStateException if the lock is not held
     */
    public CompletableFuture<Void> awaitUntil(BooleanSupplier predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return core.awaitUntil(predicate);
    }

    /**
     * Wakes the longest-waiting waiter, if any (asyncio's {@code notify()}). It continues once
     * the caller has released the lock and the lock reaches it.
     *
     * @throws IllegalStateException if the lock is not held
     */
    public void signal() {
        core.signal(1);
    }

    /**
     * Wakes up to {@code n} waiters, longest-waiting first (asyncio's {@code notify(n)}).
     *
     * @param n how many to wake at most; 0 or more
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException if the lock is not held
     */
    public void signal(int n) {
        if (n < 0) throw new IllegalArgumentException("n < 0: " + n);
        core.signal(n);
    }

    /**
     * Wakes every waiter (asyncio's {@code notify_all()}); they get the lock one after another.
     *
     * @throws IllegalStateException if the lock is not held
     */
    public void signalAll() {
        core.signal(Integer.MAX_VALUE);
    }

    /**
     * Describes the condition: {@code AsyncCondition[locked, waiters=2]} (waiters not yet signalled).
     *
     * @return the state
     */
    @Override
    public String toString() {
        return core.toString();
    }
}

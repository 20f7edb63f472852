package dev.aio4j;

import dev.aio4j.engine.sync.QueueCore;
import java.util.Comparator;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A queue between tasks (asyncio's {@code Queue}, {@code LifoQueue} and {@code PriorityQueue},
 * with Python 3.13's {@code shutdown}): {@link #put} waits while the queue is full, {@link #get}
 * while it is empty, and neither costs a thread.
 *
 * <pre>{@code
 * AsyncQueue<Job> jobs = AsyncQueue.fifo(100);
 * // workers: take a job, do it, mark it done
 * Async.task(() -> jobs.get().thenCompose(job -> run(job)).whenComplete((v, e) -> jobs.taskDone()));
 * // producer: put the jobs, then wait until every one is done
 * jobs.put(job);
 * jobs.join().thenRun(() -> System.out.println("all done"));
 * }</pre>
 *
 * <p><b>Order.</b> {@link #fifo} hands items out in the order they were put, {@link #lifo} the
 * most recent first, {@link #priority} the least first (by its comparator; equal items in no
 * particular order). Waiting getters are served in the order they called {@link #get}, waiting
 * putters in the order they called {@link #put}. A {@code maxsize} of 0 means unbounded (not a
 * rendezvous).
 *
 * <p><b>Nothing is lost, nothing overtakes.</b> An item stays in the queue until a getter takes
 * it: a waiting getter is only woken when an item arrives, and takes the item itself when its
 * future completes. A get cancelled before that leaves the item where it is (and the next waiting
 * getter is woken for it), so nobody — the same consumer getting again, another getter,
 * {@link #size()}, {@link #isEmpty()}, {@link #isFull()} — ever sees an item missing, doubled or
 * out of order: a single consumer of a {@link #fifo} queue receives the items in the order they
 * were put, whatever happens to its gets (cancelled, timed out). A bounded queue never holds more
 * than {@code maxsize} items. A put is final once its item is in the queue.
 *
 * <p><b>Counting work.</b> Every item put counts as unfinished until a consumer calls
 * {@link #taskDone()} for it; {@link #join()} waits until none is unfinished.
 *
 * <p><b>Threads.</b> Every method is thread-safe, from any thread and from tasks of different
 * loops at once. A waiting call's future completes on the loop of the task that called it (at
 * that loop's next step); called outside any loop, on the thread that made it complete. A future
 * that is cancelled completes, and runs its dependent stages, on the thread that cancels it. Items
 * are never {@code null}.
 *
 * @param <T> the type of the items
 * @since 0.1.0
 */
public final class AsyncQueue<T> {
    final QueueCore core;
    private final boolean naturalOrder;

    private AsyncQueue(int maxsize, QueueCore.Kind kind, Comparator<? super T> comparator, boolean naturalOrder) {
        if (maxsize < 0) throw new IllegalArgumentException("maxsize < 0: " + maxsize);
        @SuppressWarnings("unchecked")
        Comparator<Object> c = (Comparator<Object>) comparator;
        this.core = new QueueCore(maxsize, kind, c, QueueShutDownException::new,
                () -> new QueueEmptyException("the queue is empty: " + this));
        this.naturalOrder = naturalOrder;
    }

    /**
     * A first-in, first-out queue (asyncio's {@code Queue(maxsize)}).
     *
     * @param maxsize the capacity; 0 for unbounded
     * @param <T> the type of the items
     * @return the queue
     * @throws IllegalArgumentException if {@code maxsize} is negative
     */
    public static <T> AsyncQueue<T> fifo(int maxsize) {
        return new AsyncQueue<>(maxsize, QueueCore.Kind.FIFO, null, false);
    }

    /**
     * A last-in, first-out queue (asyncio's {@code LifoQueue(maxsize)}).
     *
     * @param maxsize the capacity; 0 for unbounded
     * @param <T> the type of the items
     * @return the queue
     * @throws IllegalArgumentException if {@code maxsize} is negative
     */
    public static <T> AsyncQueue<T> lifo(int maxsize) {
        return new AsyncQueue<>(maxsize, QueueCore.Kind.LIFO, null, false);
    }

    /**
     * A queue that hands out its least item first, by {@code comparator} (asyncio's
     * {@code PriorityQueue(maxsize)}). The comparator runs inside the queue's critical section:
     * it must be quick, consistent and must not throw.
     *
     * @param maxsize the capacity; 0 for unbounded
     * @param comparator the order of the items
     * @param <T> the type of the items
     * @return the queue
     * @throws NullPointerException if {@code comparator} is null
     * @throws IllegalArgumentException if {@code maxsize} is negative
     */
    public static <T> AsyncQueue<T> priority(int maxsize, Comparator<? super T> comparator) {
        Objects.requireNonNull(comparator, "comparator");
        return new AsyncQueue<>(maxsize, QueueCore.Kind.PRIORITY, comparator, false);
    }

    /**
     * A queue that hands out its least item first, by the items' natural order.
     *
     * @param maxsize the capacity; 0 for unbounded
     * @param <T> the type of the items, which must be {@link Comparable}
     * @return the queue
     * @throws IllegalArgumentException if {@code maxsize} is negative
     */
    public static <T extends Comparable<? super T>> AsyncQueue<T> priority(int maxsize) {
        return new AsyncQueue<>(maxsize, QueueCore.Kind.PRIORITY, null, true);
    }

    private void checkItem(T item) {
        Objects.requireNonNull(item, "item");
        if (naturalOrder && !(item instanceof Comparable)) {
            throw new ClassCastException("item of a natural-order priority queue is not Comparable: " + item.getClass().getName());
        }
    }

    // ------------------------------------------------------------------ putting

    /**
     * Puts an item, waiting while the queue is full (asyncio's {@code await queue.put(item)}).
     *
     * <p>The future completes with {@code null} once the item is in the queue (or in the hands
     * of a waiting getter): at once (an already-completed future, possibly shared) if there is
     * room, otherwise when a get makes room, in the order the putters came. It fails with
     * {@link QueueShutDownException} if the queue is shut down now or while it waits.
     *
     * <p><b>Cancelling</b> the future (or a stage derived from it) while it waits withdraws the
     * put: the item never enters the queue, and the future completes with a
     * {@link CancellationException}. Once the item is in, the put is final: cancelling returns
     * false and the future completes normally. {@code completeExceptionally} (hence
     * {@code orTimeout}) withdraws the same way; {@code complete} and {@code obtrude*} throw
     * {@link UnsupportedOperationException}.
     *
     * @param item the item
     * @return a future that completes once the item is in the queue
     * @throws NullPointerException if {@code item} is null
     * @throws ClassCastException if this is a natural-order {@link #priority(int)} queue and the
     *     item is not {@link Comparable}
     */
    public CompletableFuture<Void> put(T item) {
        checkItem(item);
        return core.put(item);
    }

    /**
     * Puts an item if there is room now (asyncio's {@code put_nowait}); never waits.
     *
     * @param item the item
     * @throws NullPointerException if {@code item} is null
     * @throws ClassCastException if this is a natural-order {@link #priority(int)} queue and the
     *     item is not {@link Comparable}
     * @throws QueueFullException if the queue is full
     * @throws QueueShutDownException if the queue is shut down
     */
    public void putNowait(T item) {
        checkItem(item);
        switch (core.offer(item)) {
            case OK:
                return;
            case FULL:
                throw new QueueFullException("the queue is full: " + this);
            default:
                throw new QueueShutDownException();
        }
    }

    // ------------------------------------------------------------------ getting

    /**
     * Takes an item, waiting while the queue is empty (asyncio's {@code await queue.get()}).
     *
     * <p>The future completes with the item: at once if the queue has one, otherwise when one
     * is put, in the order the getters came. On a shut-down queue it still gets the items left;
     * it fails with {@link QueueShutDownException} once none is left (or when the queue is shut
     * down while it waits).
     *
     * <p>An item is promised to a waiting get when it arrives; a later {@code get()} waits behind
     * the gets that came before it, while {@link #getNowait()} takes whatever the queue holds.
     *
     * <p><b>Cancelling</b> the future (or a stage derived from it) withdraws the get: it
     * completes with a {@link CancellationException}, and the item it was woken for (if any)
     * stays at its place in the queue, for the next waiting getter or the next get. Once the get
     * has taken its item, cancelling returns false and the future completes with the item: an
     * item is never lost, and never handed to a cancelled get. {@code completeExceptionally}
     * (hence {@code orTimeout})
     * withdraws the same way; {@code complete} and {@code obtrude*} throw
     * {@link UnsupportedOperationException}.
     *
     * @return a future of the item
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<T> get() {
        return (CompletableFuture<T>) (CompletableFuture<?>) core.get();
    }

    /**
     * Takes an item if there is one now (asyncio's {@code get_nowait}); never waits. It takes the
     * first item whenever the queue is not empty, even one a waiting get was just woken for; that
     * get then waits again, first in line.
     *
     * @return the item
     * @throws QueueEmptyException if the queue is empty (and not shut down)
     * @throws QueueShutDownException if the queue is empty and shut down
     */
    @SuppressWarnings("unchecked")
    public T getNowait() {
        return (T) core.poll(); // throws QueueEmptyException or QueueShutDownException
    }

    // ------------------------------------------------------------------ work accounting

    /**
     * Marks one item taken from the queue as processed (asyncio's {@code task_done()}). When every
     * item put has been marked, {@link #join()} waiters complete.
     *
     * @throws IllegalStateException if called more times than items were put
     */
    public void taskDone() {
        core.taskDone();
    }

    /**
     * Waits until every item put has been marked with {@link #taskDone()} (asyncio's
     * {@code await queue.join()}).
     *
     * <p>The future completes with {@code null} when the count of unfinished items reaches 0: at
     * once (an already-completed future, possibly shared) if it is 0 now.
     *
     * <p><b>Cancelling</b> the future (or a stage derived from it) withdraws the waiter; it
     * completes with a {@link CancellationException}.
     *
     * @return a future that completes when all items are done
     */
    public CompletableFuture<Void> join() {
        return core.join();
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Shuts the queue down without dropping its items: as {@code shutdown(false)}.
     */
    public void shutdown() {
        core.shutdown(false);
    }

    /**
     * Shuts the queue down (Python 3.13's {@code shutdown(immediate)}). From now on puts fail
     * with {@link QueueShutDownException}; waiting putters and getters fail with it now. Gets
     * still receive the items left in the queue, then fail with it.
     *
     * <p>With {@code immediate}, the items in the queue are dropped instead, and each counts as
     * done, so {@link #join()} completes once the items already taken have been marked with
     * {@link #taskDone()}. Calling it again (for example with {@code immediate} after
     * {@code false}) is allowed.
     *
     * @param immediate whether to drop the items left in the queue
     */
    public void shutdown(boolean immediate) {
        core.shutdown(immediate);
    }

    /**
     * Tells whether {@link #shutdown(boolean)} was called.
     *
     * @return true if shut down
     */
    public boolean isShutDown() {
        return core.isShutDown();
    }

    // ------------------------------------------------------------------ state

    /**
     * The number of items in the queue (asyncio's {@code qsize()}).
     *
     * @return the items waiting to be taken
     */
    public int size() {
        return core.size();
    }

    /**
     * The capacity given at creation (0: unbounded).
     *
     * @return the capacity
     */
    public int maxsize() {
        return core.maxsize;
    }

    /**
     * Tells whether the queue has no item.
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return core.size() == 0;
    }

    /**
     * Tells whether the queue is bounded and has {@link #maxsize()} items.
     *
     * @return true if a put would wait now
     */
    public boolean isFull() {
        int max = core.maxsize;
        return max > 0 && core.size() >= max;
    }

    /**
     * Describes the queue: {@code AsyncQueue[fifo, size=3, maxsize=10, unfinished=5, getters=0, putters=0]}.
     *
     * @return the state
     */
    @Override
    public String toString() {
        return core.toString();
    }
}

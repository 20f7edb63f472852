package dev.aio4j;

import dev.aio4j.engine.sync.BarrierCore;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A meeting point for a fixed number of tasks (asyncio's {@code Barrier}): each calls
 * {@link #await()}, and all continue once the last has arrived. The barrier then fills again for
 * the next round, as {@link java.util.concurrent.CyclicBarrier} does.
 *
 * <pre>{@code
 * AsyncBarrier start = new AsyncBarrier(3);
 * for (int i = 0; i < 3; i++) Async.task(() -> start.await().thenCompose(index -> work(index)));
 * }</pre>
 *
 * <p><b>Broken.</b> {@link #abort()} breaks the barrier: waiting and later {@link #await()}s
 * fail with {@link BrokenBarrierException} until {@link #reset()}. {@link #reset()} fails the
 * current waiters with {@link BrokenBarrierException} and makes the barrier usable again.
 *
 * <p><b>Threads.</b> Every method is thread-safe, from any thread and from tasks of different
 * loops at once. A waiter's future completes on the loop of the task that called
 * {@link #await()} (outside any loop, on the thread of the last arrival).
 * A future that is cancelled completes, and runs its dependent stages, on the thread that cancels it.
 *
 * @since 0.1.0
 */
public final class AsyncBarrier {
    final BarrierCore core;

    /**
     * Creates a barrier for {@code parties} tasks.
     *
     * @param parties how many {@link #await()}s trip it; 1 or more
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public AsyncBarrier(int parties) {
        if (parties < 1) throw new IllegalArgumentException("parties < 1: " + parties);
        core = new BarrierCore(parties);
    }

    /**
     * Waits until {@link #parties()} callers have arrived (asyncio's {@code await barrier.wait()}).
     *
     * <p>The future completes with the caller's arrival index, from 0 for the first to arrive up
     * to {@code parties() - 1} for the one whose arrival trips the barrier (its future is already
     * complete when returned). It fails with {@link BrokenBarrierException} if the barrier is
     * broken now, or is aborted or reset while the caller waits.
     *
     * <p><b>Cancelling</b> the future (or a stage derived from it) before the barrier trips
     * withdraws the caller: it completes with a {@link CancellationException} and no longer counts
     * as arrived. Once the barrier has tripped, the round is over for everyone: cancelling then
     * returns false and the future completes with its index. {@code completeExceptionally}
     * (hence {@code orTimeout}) withdraws the same way; {@code complete} and {@code obtrude*}
     * throw {@link UnsupportedOperationException}.
     *
     * @return a future of the caller's arrival index
     */
    public CompletableFuture<Integer> await() {
        return core.await();
    }

    /**
     * Resets the barrier (asyncio's {@code reset()}): the callers waiting now fail with
     * {@link BrokenBarrierException}, and the barrier, broken or not, fills again from zero.
     */
    public void reset() {
        core.reset();
    }

    /**
     * Breaks the barrier (asyncio's {@code abort()}): the callers waiting now, and every
     * {@link #await()} until {@link #reset()}, fail with {@link BrokenBarrierException}.
     */
    public void abort() {
        core.abort();
    }

    /**
     * The number of arrivals that trip the barrier.
     *
     * @return the parties
     */
    public int parties() {
        return core.parties;
    }

    /**
     * The number of callers waiting now (asyncio's {@code n_waiting}).
     *
     * @return the waiting callers
     */
    public int waiting() {
        return core.waiting();
    }

    /**
     * Tells whether the barrier is broken (after {@link #abort()}, until {@link #reset()}).
     *
     * @return true if broken
     */
    public boolean isBroken() {
        return core.isBroken();
    }

    /**
     * Describes the barrier: {@code AsyncBarrier[filling, waiting=2/3]}.
     *
     * @return the state
     */
    @Override
    public String toString() {
        return core.toString();
    }
}

package dev.aio4j.engine.sync

import dev.aio4j.engine.LoopCore
import java.util.concurrent.BrokenBarrierException
import java.util.concurrent.CompletableFuture

/**
 * The engine of `AsyncBarrier`: [parties] callers of [await] wait for each other. The arrival
 * that completes the set trips the barrier at once: every waiter is released with its arrival
 * index (0 for the first to arrive, `parties - 1` for the one that tripped it) and the barrier
 * fills again for the next round. A waiter withdrawn before the trip no longer counts.
 * [reset] and [abort] fail the current waiters with `BrokenBarrierException`; after [abort] every
 * [await] fails so until [reset].
 */
public class BarrierCore(@JvmField public val parties: Int) {
    private val waiters = WaitList()

    @Volatile
    private var broken: Boolean = false

    /** True after [abort], until [reset]. */
    public val isBroken: Boolean get() = broken

    /** Waits for the other parties; completes with this caller's arrival index. */
    public fun await(): CompletableFuture<Int> {
        val chain: Waiter<*>?
        val last: Int
        synchronized(this) {
            if (broken) return CompletableFuture.failedFuture(brokenError())
            if (waiters.size + 1 < parties) {
                val w = BarrierWaiter(this, LoopCore.current())
                waiters.add(w)
                return w
            }
            last = waiters.size
            var index = 0
            var w = waiters.head
            while (w != null) {
                w.value = index++
                w = w.next
            }
            chain = waiters.detachAll()
        }
        WaitList.dispatchChain(chain)
        return Ready(last)
    }

    /** Fails the current waiters with `BrokenBarrierException` and makes the barrier usable (filling) again. */
    public fun reset() {
        breakWaiters(false, "the barrier was reset while this party waited")
    }

    /** Breaks the barrier: current and future waiters fail with `BrokenBarrierException` until [reset]. */
    public fun abort() {
        breakWaiters(true, "the barrier was aborted")
    }

    private fun breakWaiters(brokenAfter: Boolean, message: String) {
        val chain: Waiter<*>?
        synchronized(this) {
            broken = brokenAfter
            var w = waiters.head
            while (w != null) {
                w.failure = BrokenBarrierException(message)
                w = w.next
            }
            chain = waiters.detachAll()
        }
        WaitList.dispatchChain(chain)
    }

    private fun brokenError() = BrokenBarrierException("the barrier is broken (abort() was called); reset() it to use it again")

    /** Withdraws [w] if it still waits (the commit rule: after a trip or a break it is too late). */
    internal fun unlinkIfWaiting(w: Waiter<*>): Boolean = synchronized(this) { waiters.remove(w) }

    /** Parties waiting now. */
    public fun waiting(): Int = synchronized(this) { waiters.size }

    override fun toString(): String {
        val n = waiting()
        return "AsyncBarrier[${if (broken) "broken" else "filling"}, waiting=$n/$parties]"
    }
}

internal class BarrierWaiter(private val owner: BarrierCore, loop: LoopCore?) : Waiter<Int>(loop) {
    override fun awaitedDescription(): String = owner.toString()

    override val what: String get() = "AsyncBarrier.await()"

    override fun withdraw(error: Throwable?): Boolean = withdrawIfQueued(owner.unlinkIfWaiting(this), error)

    override fun refused() {} // cannot happen: after the trip only the barrier completes it

    override fun unlink() {}
}

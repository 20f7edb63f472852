package dev.aio4j.engine.sync

import dev.aio4j.engine.LoopCore
import java.util.concurrent.CompletableFuture

/**
 * The engine of `AsyncSemaphore`, asyncio's semantics: any number of permits from 0 up, FIFO
 * hand-over to waiters, and `release()` that raises the count without limit unless [bound] is
 * set (`bounded(n)`), where releasing more than was acquired is an error.
 *
 * Invariant: `permits > 0` only while no waiter is queued (a release hands its permit to the
 * first waiter instead of counting it), so an acquire never overtakes a waiter.
 */
public class SemaphoreCore(initial: Int, bounded: Boolean) : Guard {
    /** The bound of a bounded semaphore (its initial permits), or -1. */
    @JvmField
    public val bound: Int = if (bounded) initial else -1

    @Volatile
    private var permits: Int = initial

    /** Permits handed to waiters whose futures have not completed yet (bounded semaphores count them as held). */
    private var inFlight: Int = 0

    private val waiters = WaitList()

    /** Free permits now. */
    public fun availablePermits(): Int = permits

    /** Takes a permit if one is free; never waits. */
    public fun tryAcquire(): Boolean = synchronized(this) {
        if (permits > 0) {
            permits--
            true
        } else {
            false
        }
    }

    /** Takes a permit now ([Ready.VOID]) or queues a waiter that completes when one is handed to it. */
    override fun acquire(): CompletableFuture<Void?> {
        synchronized(this) {
            if (permits > 0) {
                permits--
                return Ready.VOID
            }
            val w = SemaphoreWaiter(this, LoopCore.current())
            waiters.add(w)
            return w
        }
    }

    /**
     * Hands a permit to the first waiter, or adds it to the count.
     * @throws IllegalStateException if bounded and every permit is already free (more releases
     *     than acquires), or if the count would overflow `Int.MAX_VALUE`
     */
    override fun release() {
        val next: Waiter<*>?
        synchronized(this) {
            if (bound >= 0) {
                check(permits + inFlight < bound) {
                    "release() of a bounded AsyncSemaphore with all its $bound permits already released: " +
                        "release only permits you acquired"
                }
            }
            next = handOffLocked()
        }
        next?.dispatch()
    }

    /** Gives back a permit handed to a withdrawn waiter: no bound check (it was acquired). */
    internal fun releaseInternal() {
        val next: Waiter<*>?
        synchronized(this) { next = handOffLocked() }
        next?.dispatch()
    }

    private fun handOffLocked(): Waiter<*>? {
        val w = waiters.pollLive()
        if (w == null) {
            check(permits < Int.MAX_VALUE) { "release() would raise the permit count of the AsyncSemaphore past Integer.MAX_VALUE" }
            permits++
        } else if (bound >= 0) {
            inFlight++
        }
        return w
    }

    /** A permit handed over reached its waiter's loop: it is no longer in flight. */
    internal fun landed() {
        if (bound >= 0) synchronized(this) { inFlight-- }
    }

    internal fun unlink(w: SemaphoreWaiter) {
        synchronized(this) { waiters.remove(w) }
    }

    /** Number of queued waiters (withdrawn ones leave at once). */
    public fun waiterCount(): Int = synchronized(this) { waiters.size }

    override fun toString(): String {
        val p: Int
        val n: Int
        synchronized(this) {
            p = permits
            n = waiters.size
        }
        return "AsyncSemaphore[${if (bound >= 0) "bounded $bound, " else ""}permits=$p, waiters=$n]"
    }
}

internal class SemaphoreWaiter(private val owner: SemaphoreCore, loop: LoopCore?) : Waiter<Void?>(loop, 1) {
    override fun awaitedDescription(): String = owner.toString()

    override val what: String get() = "AsyncSemaphore.acquire()"

    override fun deliver() {
        owner.landed()
        super.deliver()
    }

    override fun refused() {
        owner.releaseInternal()
    }

    override fun unlink() {
        owner.unlink(this)
    }
}

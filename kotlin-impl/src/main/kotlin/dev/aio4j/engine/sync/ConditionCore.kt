package dev.aio4j.engine.sync

import dev.aio4j.engine.LoopCore
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.function.BooleanSupplier

/**
 * The engine of `AsyncCondition` over a [LockCore]; it shares the lock's monitor.
 *
 * `await` releases the lock and queues a [CondWaiter]; `signal` moves waiters, in FIFO order,
 * from this condition to the lock's queue; the lock hands itself to them in turn, and only then
 * do their futures complete. Withdrawing a waiter never completes its future before the lock is
 * held again: a withdrawn waiter joins the lock's queue, and its future completes exceptionally
 * once the lock is handed to it. A waiter withdrawn after it was signalled passes its signal on.
 */
public class ConditionCore(@JvmField public val lock: LockCore) {
    @JvmField
    internal val waiters: WaitList = WaitList()

    private fun checkHeld(method: String) {
        check(lock.locked) {
            "AsyncCondition.$method requires its lock to be held: acquire the lock first " +
                "(e.g. inside condition.withLock(...)) and call it from the code that holds it"
        }
    }

    /**
     * Releases the lock and waits to be signalled; the future completes once the lock is held again.
     * @throws IllegalStateException if the lock is not held
     */
    public fun await(): CompletableFuture<Void?> = awaitWith(null)

    /**
     * Waits until [predicate] holds: checks it now (the caller holds the lock), else waits and
     * checks again after each wake-up, with the lock held, on the waiter's loop.
     * @throws IllegalStateException if the lock is not held
     */
    public fun awaitUntil(predicate: BooleanSupplier): CompletableFuture<Void?> {
        synchronized(lock) { checkHeld("awaitUntil()") }
        try {
            if (predicate.asBoolean) return Ready.VOID
        } catch (t: Throwable) {
            return CompletableFuture.failedFuture(t)
        }
        return awaitWith(predicate)
    }

    private fun awaitWith(predicate: BooleanSupplier?): CompletableFuture<Void?> {
        val w = CondWaiter(this, LoopCore.current(), predicate)
        val next: Waiter<*>?
        synchronized(lock) {
            checkHeld(if (predicate == null) "await()" else "awaitUntil()")
            waiters.add(w)
            next = lock.handOffLocked()
        }
        next?.dispatch()
        return w
    }

    /**
     * Wakes up to [n] waiters (FIFO); returns how many.
     * @throws IllegalStateException if the lock is not held
     */
    public fun signal(n: Int): Int = synchronized(lock) {
        checkHeld(if (n == Int.MAX_VALUE) "signalAll()" else "signal()")
        signalLocked(n)
    }

    /** Under the lock's monitor: moves up to [n] waiters to the lock's queue (the lock is held, so none is granted here). */
    internal fun signalLocked(n: Int): Int {
        var k = 0
        while (k < n) {
            val w = waiters.poll() as CondWaiter? ?: break
            w.signalled = true
            w.state = CondWaiter.LOCK_WAIT
            lock.waiters.add(w)
            k++
        }
        return k
    }

    /** Number of waiters not yet signalled. */
    public fun waiterCount(): Int = synchronized(lock) { waiters.size }

    override fun toString(): String {
        val n: Int
        val l: Boolean
        synchronized(lock) {
            n = waiters.size
            l = lock.locked
        }
        return "AsyncCondition[${if (l) "locked" else "unlocked"}, waiters=$n]"
    }
}

/**
 * A waiter of a condition. Every transition happens under the lock's monitor. Its future
 * completes only while the lock is held for it, normally or (withdrawn) exceptionally.
 */
internal class CondWaiter(
    private val cond: ConditionCore,
    loop: LoopCore?,
    private val predicate: BooleanSupplier?,
) : Waiter<Void?>(loop) {
    @JvmField var state: Int = SIGNAL_WAIT
    @JvmField var signalled: Boolean = false

    /** Set when withdrawn: [CANCELLED] or the exception to complete with once the lock is held. */
    @JvmField var pending: Throwable? = null

    override val what: String get() = if (predicate == null) "AsyncCondition.await()" else "AsyncCondition.awaitUntil()"

    override fun awaitedDescription(): String = cond.toString()

    override val completesLate: Boolean get() = true

    override fun withdraw(error: Throwable?): Boolean {
        val lock = cond.lock
        var grant = false
        synchronized(lock) {
            val p = pending
            if (p != null) return error == null && p === CANCELLED // a standing cancel request answers true, as the JDK's
            if (state == DONE) return error == null && isCancelled
            pending = error ?: CANCELLED
            when (state) {
                SIGNAL_WAIT -> {
                    cond.waiters.remove(this)
                    state = LOCK_WAIT
                    grant = lock.grantOrQueueLocked(this)
                }
                LOCK_WAIT -> if (signalled) cond.signalLocked(1) // the signal it got goes to another waiter
                else -> {} // CHECKING: it holds the lock; its predicate check ends with this failure
            }
        }
        if (grant) dispatch()
        return true
    }

    override fun unlink() {} // withdraw is overridden

    override fun refused() {} // deliver is overridden

    /** The lock was handed to this waiter: complete (holding it), or check the predicate and maybe wait again. */
    override fun deliver() {
        val lock = cond.lock
        var err: Throwable?
        synchronized(lock) {
            err = pending
            state = if (err == null && predicate != null) CHECKING else DONE
        }
        if (err == null && predicate != null) {
            val ok = try {
                predicate.asBoolean
            } catch (t: Throwable) {
                synchronized(lock) { state = DONE }
                finish(t)
                return
            }
            var next: Waiter<*>? = null
            synchronized(lock) {
                err = pending
                if (err == null && !ok) {
                    state = SIGNAL_WAIT
                    signalled = false
                    cond.waiters.add(this)
                    next = lock.handOffLocked()
                } else {
                    state = DONE
                }
            }
            if (err == null && !ok) {
                next?.dispatch()
                return
            }
        }
        finish(err)
    }

    private fun finish(err: Throwable?) {
        val ok = when {
            err == null -> completeInternal(null)
            err === CANCELLED -> cancelInternal()
            else -> failInternal(err)
        }
        if (!ok) cond.lock.giveBack(this) // cannot happen (only this code completes it); never strand the lock
    }

    companion object {
        const val SIGNAL_WAIT = 0
        const val LOCK_WAIT = 1
        const val CHECKING = 2
        const val DONE = 3

        /** Marks a withdrawal by cancel(): the future is then cancelled (not failed) once the lock is held. */
        val CANCELLED = CancellationException("withdrawn")
    }
}

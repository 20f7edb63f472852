package dev.aio4j.engine.sync

import dev.aio4j.engine.DebugSettings
import dev.aio4j.engine.LoopCore
import dev.aio4j.engine.TaskCore
import java.util.concurrent.CompletableFuture

/** What `withLock` / `withPermit` need from a lock or a semaphore. */
public interface Guard {
    /** A future that completes once the caller holds the guard (already complete if it does now). */
    public fun acquire(): CompletableFuture<Void?>

    /** Gives the guard back (to the next waiter, if any). */
    public fun release()
}

/**
 * The engine of `AsyncLock`: a FIFO-fair lock that is not owned by a thread (any code may
 * release it, as in asyncio). State and waiters are guarded by this object's monitor, which
 * [ConditionCore]s over this lock share.
 */
public class LockCore : Guard {
    @Volatile
    @JvmField
    internal var locked: Boolean = false

    @JvmField
    internal val waiters: WaitList = WaitList()

    /**
     * The waiter the lock was last handed to, until the next release (guarded by the monitor). A
     * waiter cancelled while the lock travels to it gives the lock back only if it is still the
     * one the lock belongs to: a release made meanwhile (by code that did not hold the lock) has
     * already passed it on, and giving it back again would release someone else's hold.
     */
    private var handedTo: Waiter<*>? = null

    /** Debug mode only: the task that holds the lock, and the tasks whose waiters are queued (guarded by the monitor). */
    private var owner: TaskCore? = null
    private var waitingTasks: java.util.IdentityHashMap<Waiter<*>, TaskCore>? = null

    /** Debug mode: the lock now belongs to [t] (the current task, or the task whose waiter it was handed to). */
    private fun noteOwner(t: TaskCore?) {
        owner = t
        t?.debugRecord()?.hold(this)
    }

    private fun currentDebugTask(): TaskCore? = LoopCore.current()?.currentTask()?.takeIf { it.debugRecord() != null }

    /** True while someone holds the lock (or it has been handed to a waiter whose future is on its way). */
    public val isLocked: Boolean get() = locked

    /** Takes the lock if it is free and nobody waits; never waits. */
    public fun tryAcquire(): Boolean = synchronized(this) {
        if (locked) {
            false
        } else {
            locked = true
            if (DebugSettings.anyLoop) noteOwner(currentDebugTask())
            true
        }
    }

    /** Takes the lock now ([Ready.VOID]) or queues a waiter that completes when the lock is handed to it. */
    override fun acquire(): CompletableFuture<Void?> {
        synchronized(this) {
            if (!locked) {
                locked = true
                if (DebugSettings.anyLoop) noteOwner(currentDebugTask())
                return Ready.VOID
            }
            val w = LockWaiter(this, LoopCore.current())
            waiters.add(w)
            if (DebugSettings.anyLoop) {
                val t = currentDebugTask()
                if (t != null) (waitingTasks ?: java.util.IdentityHashMap<Waiter<*>, TaskCore>().also { waitingTasks = it })[w] = t
            }
            return w
        }
    }

    /**
     * Hands the lock to the first waiter, or unlocks it.
     * @throws IllegalStateException if the lock is not locked
     */
    override fun release() {
        val next: Waiter<*>?
        synchronized(this) {
            check(locked) {
                "release() of an AsyncLock that is not locked: release only what acquire() gave you " +
                    "(after its future completed) or what tryAcquire() returned true for"
            }
            next = handOffLocked()
        }
        next?.dispatch()
    }

    /** The lock was handed to [w], whose future was cancelled meanwhile: pass it on, if it is still [w]'s. */
    internal fun giveBack(w: Waiter<*>) {
        val next: Waiter<*>?
        synchronized(this) {
            if (handedTo !== w) return
            next = handOffLocked()
        }
        next?.dispatch()
    }

    /** Under the monitor: the waiter the lock now belongs to (dispatch it after unlocking), or null if it is now free. */
    internal fun handOffLocked(): Waiter<*>? {
        val w = waiters.pollLive()
        if (w == null) locked = false
        handedTo = w
        val o = owner
        if (o != null) {
            o.debugRecord()?.unhold(this)
            owner = null
        }
        val wt = waitingTasks
        if (wt != null && w != null) noteOwner(wt.remove(w))
        return w
    }

    /** Under the monitor: takes the lock for [w] if it is free (true: dispatch it), else queues it. */
    internal fun grantOrQueueLocked(w: Waiter<*>): Boolean {
        if (!locked) {
            locked = true
            handedTo = w
            return true
        }
        waiters.add(w)
        return false
    }

    /** Debug mode: a withdrawn waiter's task no longer waits (under the monitor). */
    internal fun forgetWaiter(w: Waiter<*>) {
        waitingTasks?.remove(w)
    }

    /** Number of queued waiters (withdrawn ones leave at once). */
    public fun waiterCount(): Int = synchronized(this) { waiters.size }

    override fun toString(): String {
        val l: Boolean
        val n: Int
        synchronized(this) {
            l = locked
            n = waiters.size
        }
        val o = owner
        val by = if (!l || o == null) "" else " by ${if (o.isFinished) "finished " else ""}${o.host?.labelInternal()}"
        return "AsyncLock[${if (l) "locked" else "unlocked"}$by, waiters=$n]"
    }
}

internal class LockWaiter(private val owner: LockCore, loop: LoopCore?) : Waiter<Void?>(loop, 0) {
    override fun awaitedDescription(): String = owner.toString()

    override val what: String get() = "AsyncLock.acquire()"

    override fun refused() {
        owner.giveBack(this)
    }

    override fun unlink() {
        synchronized(owner) {
            owner.waiters.remove(this)
            owner.forgetWaiter(this)
        }
    }
}

package dev.aio4j.engine.sync

import dev.aio4j.engine.Contexts
import dev.aio4j.engine.Jfr
import dev.aio4j.engine.LoopCore
import dev.aio4j.engine.LoopFuture
import dev.aio4j.engine.Outcomes
import dev.aio4j.engine.SelfMarking
import dev.aio4j.engine.SharedLoopCore
import java.util.ArrayDeque
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater
import java.util.function.BiConsumer

/*
 * The engine of aio4j's synchronisation primitives (internal API).
 *
 * Every primitive is a small monitor-guarded state machine with intrusive FIFO lists of
 * [Waiter]s. A waiter is at once the future handed to the caller and the node in the list:
 * one allocation per waiting call, none on an uncontended fast path (which returns a shared,
 * already-completed future where the value allows it).
 *
 * Hand-over. A primitive assigns what a waiter waits for (the lock, a permit, an item) under its
 * monitor, unlinking the waiter, and then completes the waiter's future outside the monitor: on
 * the loop the waiter was created on (posted, so the continuation never runs inside the code
 * that released), or on the releasing thread when the waiter was created outside any loop.
 * Two rules decide what happens when a cancellation crosses a hand-over:
 *  - give back (locks, permits, queue gets, events, joins): cancelling the future wins until the
 *    future is complete; a delivery that finds the future cancelled gives what it carried back
 *    through the primitive's ordinary release path, which hands it to the next waiter.
 *  - commit (queue puts, barrier trips, a condition's final lock re-acquisition): the hand-over
 *    is final the moment the waiter is unlinked; cancel() then returns false and the future
 *    completes normally a moment later. Whoever unlinks a waiter under the monitor completes it.
 */

/**
 * One waiting call of a sync primitive: the future returned to the caller, and its node in the
 * primitive's FIFO list. Its future behaviour (read-only, derived stages, compositions, the
 * deadlock guard) is [LoopFuture]'s; what is its own is the hand-over and the withdrawal.
 *
 * [cancel] and [completeExceptionally] (hence `orTimeout`) withdraw it. Stages derived from it
 * (`thenApply`, `whenComplete`, ...) withdraw it first when they are cancelled, so
 * `acquire().thenCompose(body)` stops waiting when the chain is cancelled.
 */
public abstract class Waiter<T> internal constructor(
    /** The loop the waiter was created on (its continuation runs there), or null. */
    loop: LoopCore?,
    /** Which JFR wait event times it (0 lock, 1 semaphore, 2 queue), or -1 for none (not kept: the event knows). */
    jfrKind: Int = -1,
) : LoopFuture<T>(if (jfrKind < 0) Contexts.linkFor(loop) else Contexts.linkFor(loop, jfrKind)), LoopCore.Undroppable, SelfMarking {
    @JvmField internal var prev: Waiter<*>? = null
    @JvmField internal var next: Waiter<*>? = null
    @JvmField internal var list: WaitList? = null

    /** What the waiter is handed (an item, an index); set under the primitive's monitor. */
    @JvmField internal var value: Any? = null

    /** The failure it is handed instead (shutdown, broken barrier); set under the monitor. */
    @JvmField internal var failure: Throwable? = null

    /** What the caller called, for `toString()`: "AsyncLock.acquire()". */
    internal abstract val what: String

    /** What a task waiting on this waiter awaits, for dumps: the primitive's state ("AsyncEvent[unset, waiters=1]"). */
    public open fun awaitedDescription(): String = what

    // ---------------------------------------------------------------- one internal listener

    /** null, the listener, or [FIRED]; see [listen]. */
    @Volatile
    private var listener: Any? = null

    /**
     * Engine-internal code that awaits this waiter (a stream stage) registers [k] here instead of
     * `whenComplete`, which would allocate a derived stage, its completion node and a lambda per
     * wait. [k] is called once, with the value or the failure (a `CancellationException` if
     * cancelled), on the thread that completes the waiter: its loop for a delivery, any thread for a
     * withdrawal. Returns false, registering nothing, if the waiter is already complete (then read
     * its outcome now) or already has a listener.
     */
    public fun listen(k: BiConsumer<Any?, Throwable?>): Boolean {
        if (isDone) return false
        return LISTENER.compareAndSet(this, null, k)
    }

    @JvmSynthetic
    override fun afterCompletion() {
        val k = LISTENER.getAndSet(this, FIRED)
        if (k === null || k === FIRED) return
        @Suppress("UNCHECKED_CAST")
        val l = k as BiConsumer<Any?, Throwable?>
        val error = if (isCompletedExceptionally) Outcomes.errorOf(this) else null
        try {
            l.accept(if (error == null) Outcomes.valueOf(this) else null, error)
        } catch (t: Throwable) {
            val loop = loopCore
            if (loop != null) loop.reportError("exception in the listener of $what", t) else throw t
        }
    }

    // ---------------------------------------------------------------- delivery

    /** Completes the waiter with what it was handed: posted to its loop, or here (trampolined) without one. */
    internal fun dispatch() {
        val l = loopCore
        if (l == null) Inline.deliver(this) else l.post(this)
    }

    /** Runs on the waiter's loop (or inline): the delivery itself. */
    override fun run() {
        val l = loopCore
        if (l is SharedLoopCore) l.runMarked(this) else runStep()
    }

    @JvmSynthetic
    override fun runStep() {
        val x = extraLink
        if (x == null) {
            deliver()
            return
        }
        if (x.waitEvent != null) Jfr.SINK.endWait(x.waitEvent, this)
        val ctx = x.ctx
        if (ctx == null) deliver() else Contexts.runWith(ctx) { deliver() } // its continuation runs with the waiting code's context
    }

    internal open fun deliver() {
        val e = failure
        val ok = if (e == null) {
            @Suppress("UNCHECKED_CAST")
            val v = value as T
            value = null
            completeInternal(v)
        } else {
            failInternal(e)
        }
        if (!ok) refused()
    }

    /** The future was cancelled before what it was handed reached it: give that back. */
    internal abstract fun refused()

    // ---------------------------------------------------------------- withdrawal

    /**
     * Withdraws this waiter: it completes with a `CancellationException` and leaves its
     * primitive's queue. If the primitive handed it something at the same moment, that is given
     * back (to the next waiter). Returns false if the future is already complete, or if the
     * hand-over it got was final (a queue put that was admitted, a barrier that tripped).
     */
    override fun cancel(mayInterruptIfRunning: Boolean): Boolean = withdraw(null)

    /**
     * Withdraws this waiter, completing it with [ex] instead of a cancellation (this is what
     * `orTimeout` uses). Otherwise as [cancel].
     */
    override fun completeExceptionally(ex: Throwable): Boolean = withdraw(ex)

    override fun giveUpAsRoot(error: Throwable?): Boolean = withdraw(error)

    /**
     * The give-back rule: leave the list if still in it (then nobody can hand this waiter
     * anything), and complete the future; if it was handed something already, the future's
     * completion decides: cancelled first, the delivery gives it back.
     */
    internal open fun withdraw(error: Throwable?): Boolean {
        unlink() // before completing: whoever sees the future done finds the waiter gone
        return if (error == null) cancelInternal() else failInternal(error)
    }

    /**
     * The commit rule: withdrawn only if [unlinked] says the waiter was still queued (then nobody
     * else can complete it). As the JDK's, cancel() of a cancelled future answers true.
     */
    internal fun withdrawIfQueued(unlinked: Boolean, error: Throwable?): Boolean {
        if (!unlinked) return if (error == null) isCancelled else false
        return if (error == null) cancelInternal() else failInternal(error)
    }

    /** Leaves the primitive's list if still in it (under the primitive's monitor). */
    internal abstract fun unlink()

    override fun readOnlyMessage(method: String): String =
        "$method: this future belongs to $what and only it completes the future; cancel() withdraws the waiter"

    override fun toString(): String {
        return "$what[${stateWord()}]"
    }

    private companion object {
        private val FIRED = Any()

        @Suppress("UNCHECKED_CAST")
        private val LISTENER: AtomicReferenceFieldUpdater<Waiter<*>, Any?> =
            AtomicReferenceFieldUpdater.newUpdater(Waiter::class.java as Class<Waiter<*>>, Any::class.java, "listener")
    }
}

/**
 * A future that is complete from the start: what an uncontended call returns. Nothing can
 * change it, so one instance can be shared by every caller; its derived stages and compositions
 * belong to the loop that makes them (the shared loop outside any loop).
 */
public class Ready<T>(value: T) : LoopFuture<T>(null) {
    init {
        completeInternal(value)
    }

    override fun readOnlyMessage(method: String): String = "$method: this future is already complete and may be shared"

    override fun toString(): String = "Ready[done]"

    public companion object {
        /** The shared completed `Void` future of every uncontended acquire/put/await/join. */
        @JvmField
        public val VOID: Ready<Void?> = Ready(null)
    }
}

/** An intrusive FIFO list of waiters, guarded by its primitive's monitor. */
internal class WaitList {
    var head: Waiter<*>? = null
    var tail: Waiter<*>? = null
    var size: Int = 0

    val isEmpty: Boolean get() = head == null

    fun add(w: Waiter<*>) {
        w.list = this
        w.next = null
        val t = tail
        w.prev = t
        if (t == null) head = w else t.next = w
        tail = w
        size++
    }

    /** Removes [w] if it is in this list; true if it was. */
    fun remove(w: Waiter<*>): Boolean {
        if (w.list !== this) return false
        val p = w.prev
        val n = w.next
        if (p == null) head = n else p.next = n
        if (n == null) tail = p else n.prev = p
        w.prev = null
        w.next = null
        w.list = null
        size--
        return true
    }

    /** Puts [w] at the head, ahead of every waiter (a woken waiter that must wait again keeps its turn). */
    fun addFirst(w: Waiter<*>) {
        w.list = this
        w.prev = null
        val h = head
        w.next = h
        if (h == null) tail = w else h.prev = w
        head = w
        size++
    }

    fun poll(): Waiter<*>? {
        val h = head ?: return null
        remove(h)
        return h
    }

    /** Polls the first waiter whose future is not complete, dropping withdrawn ones on the way. */
    fun pollLive(): Waiter<*>? {
        while (true) {
            val h = poll() ?: return null
            if (!h.isDone) return h
        }
    }

    /** Unlinks every waiter and returns them as a chain through [Waiter.next] (the caller walks it outside the monitor). */
    fun detachAll(): Waiter<*>? {
        val h = head ?: return null
        var w = h
        while (true) {
            w.list = null
            w.prev = null
            w = w.next ?: break
        }
        head = null
        tail = null
        size = 0
        return h
    }

    companion object {
        /** Dispatches a chain returned by [detachAll]. */
        fun dispatchChain(first: Waiter<*>?) {
            var w = first
            while (w != null) {
                val n = w.next
                w.next = null
                w.dispatch()
                w = n
            }
        }
    }
}

/**
 * Delivery on the releasing thread for waiters created outside any loop, trampolined: a delivery
 * made while another is running on this thread is queued behind it, so a release cascade
 * (10,000 waiters, each releasing in its continuation) never grows the stack.
 */
internal object Inline {
    private class Drain {
        var active = false
        val queue = ArrayDeque<Waiter<*>>()
    }

    private val drains = ThreadLocal.withInitial { Drain() }

    fun deliver(w: Waiter<*>) {
        val d = drains.get()
        if (d.active) {
            d.queue.addLast(w)
            return
        }
        d.active = true
        try {
            w.run()
            while (true) (d.queue.pollFirst() ?: break).run()
        } finally {
            d.active = false
        }
    }
}

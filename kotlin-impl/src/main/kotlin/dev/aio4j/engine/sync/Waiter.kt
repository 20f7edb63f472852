package dev.aio4j.engine.sync

import dev.aio4j.engine.LoopCore
import dev.aio4j.engine.SharedLoopCore
import java.util.ArrayDeque
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import java.util.concurrent.Executor
import java.util.concurrent.TimeUnit
import java.util.function.Supplier

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
 * primitive's FIFO list.
 *
 * A waiter is completed only by its primitive: [complete], `obtrude*`, `completeAsync` and
 * [completeOnTimeout] throw `UnsupportedOperationException`. [cancel] and [completeExceptionally]
 * (hence `orTimeout`) withdraw it. Stages derived from it (`thenApply`, `whenComplete`, ...)
 * cancel it first when they are cancelled, so `acquire().thenCompose(body)` stops waiting when
 * the chain is cancelled; [copy] gives a stage whose cancellation stays local.
 */
public abstract class Waiter<T> internal constructor(
    /** The loop the waiter was created on (its continuation runs there), or null. */
    @JvmField public val loop: LoopCore?,
) : CompletableFuture<T>(), LoopCore.Undroppable {
    @JvmField internal var prev: Waiter<*>? = null
    @JvmField internal var next: Waiter<*>? = null
    @JvmField internal var list: WaitList? = null

    /** What the waiter is handed (an item, an index); set under the primitive's monitor. */
    @JvmField internal var value: Any? = null

    /** The failure it is handed instead (shutdown, broken barrier); set under the monitor. */
    @JvmField internal var failure: Throwable? = null

    /** What the caller called, for `toString()`: "AsyncLock.acquire()". */
    internal abstract val what: String

    // ---------------------------------------------------------------- delivery

    /** Completes the waiter with what it was handed: posted to its loop, or here (trampolined) without one. */
    internal fun dispatch() {
        val l = loop
        if (l == null) Inline.deliver(this) else l.post(this)
    }

    /** Runs on the waiter's loop (or inline): the delivery itself. */
    override fun run() {
        deliver()
    }

    internal open fun deliver() {
        val e = failure
        val ok = if (e == null) {
            @Suppress("UNCHECKED_CAST")
            val v = value as T
            value = null
            super.complete(v)
        } else {
            super.completeExceptionally(e)
        }
        if (!ok) refused()
    }

    /** The future was cancelled before what it was handed reached it: give that back. */
    internal abstract fun refused()

    /** Completes the future normally, bypassing the read-only guard (engine only). */
    internal fun completeInternal(v: T): Boolean = super.complete(v)

    /** Completes the future exceptionally, bypassing withdrawal (engine only). */
    internal fun failInternal(e: Throwable): Boolean = super.completeExceptionally(e)

    /** Cancels the future, bypassing withdrawal (engine only). */
    internal fun cancelInternal(): Boolean = super.cancel(false)

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

    /**
     * The give-back rule: leave the list if still in it (then nobody can hand this waiter
     * anything), and complete the future; if it was handed something already, the future's
     * completion decides: cancelled first, the delivery gives it back.
     */
    internal open fun withdraw(error: Throwable?): Boolean {
        unlink() // before completing: whoever sees the future done finds the waiter gone
        return if (error == null) super.cancel(false) else super.completeExceptionally(error)
    }

    /**
     * The commit rule: withdrawn only if [unlinked] says the waiter was still queued (then nobody
     * else can complete it). As the JDK's, cancel() of a cancelled future answers true.
     */
    internal fun withdrawIfQueued(unlinked: Boolean, error: Throwable?): Boolean {
        if (!unlinked) return if (error == null) isCancelled else false
        return if (error == null) super.cancel(false) else super.completeExceptionally(error)
    }

    /** Leaves the primitive's list if still in it (under the primitive's monitor). */
    internal abstract fun unlink()

    // ---------------------------------------------------------------- read-only

    private fun readOnly(what: String): UnsupportedOperationException = UnsupportedOperationException(
        "$what: this future belongs to ${this.what} and only it completes the future; cancel() withdraws the waiter",
    )

    override fun complete(value: T): Boolean = throw readOnly("complete")

    override fun obtrudeValue(value: T): Unit = throw readOnly("obtrudeValue")

    override fun obtrudeException(ex: Throwable): Unit = throw readOnly("obtrudeException")

    override fun completeAsync(supplier: Supplier<out T>, executor: Executor): CompletableFuture<T> = throw readOnly("completeAsync")

    override fun completeAsync(supplier: Supplier<out T>): CompletableFuture<T> = throw readOnly("completeAsync")

    override fun completeOnTimeout(value: T, timeout: Long, unit: TimeUnit): CompletableFuture<T> =
        throw readOnly("completeOnTimeout (use orTimeout, or Async.waitFor, which withdraw the waiter)")

    // ---------------------------------------------------------------- derived stages, executors, blocking

    /** Derived stages cancel this waiter first when they are cancelled, and run `*Async` work on its loop. */
    override fun <U> newIncompleteFuture(): CompletableFuture<U> = Derived(this, defaultExecutor())

    /** The waiter's loop (the shared loop for a waiter created outside any loop). */
    override fun defaultExecutor(): Executor = loop ?: SharedLoopCore.INSTANCE

    /** A copy whose cancellation stays local (the JDK meaning). */
    override fun copy(): CompletableFuture<T> = localCopy(this, defaultExecutor())

    /** True while completing this waiter needs the loop whose thread is calling: blocking would deadlock. */
    internal fun wouldDeadlock(): Boolean {
        val l = loop ?: return false
        return !isDone && l.isSingleThreaded && l.isLoopThread()
    }

    private fun checkNotOwnLoop(method: String) {
        if (wouldDeadlock()) {
            throw IllegalStateException(
                "$method on the future of $what from its own loop's thread would deadlock: " +
                    "return it from your AsyncCallable, or compose with thenCompose",
            )
        }
    }

    override fun get(): T {
        checkNotOwnLoop("get()")
        return super.get()
    }

    override fun get(timeout: Long, unit: TimeUnit): T {
        checkNotOwnLoop("get(timeout)")
        return super.get(timeout, unit)
    }

    override fun join(): T {
        checkNotOwnLoop("join()")
        return super.join()
    }

    /** True if cancelling this waiter completes it only later (a condition's wait re-acquiring its lock). */
    internal open val completesLate: Boolean get() = false

    override fun toString(): String {
        val state = when {
            !isDone -> "pending"
            isCancelled -> "cancelled"
            isCompletedExceptionally -> "failed"
            else -> "done"
        }
        return "$what[$state]"
    }
}

/**
 * A stage derived from a [Waiter] (or a [Ready] future): cancelling it, or completing it
 * exceptionally from outside (`orTimeout`), withdraws the waiter first, so that a chain given up
 * on never leaves a waiter behind to receive a lock, a permit or an item nobody will use.
 */
internal class Derived<U>(private val root: Waiter<*>?, private val executor: Executor) : CompletableFuture<U>() {
    override fun cancel(mayInterruptIfRunning: Boolean): Boolean {
        val r = root ?: return super.cancel(mayInterruptIfRunning)
        val rootCancelled = r.cancel(mayInterruptIfRunning)
        // a condition's wait completes once its lock is held again; so does every stage after it
        if (rootCancelled && r.completesLate) return true
        val self = super.cancel(mayInterruptIfRunning)
        return rootCancelled || self
    }

    override fun completeExceptionally(ex: Throwable): Boolean {
        val r = root
        if (r != null && !isDone) {
            val withdrawn = r.completeExceptionally(ex)
            if (withdrawn && r.completesLate) return true
        }
        return super.completeExceptionally(ex)
    }

    override fun <V> newIncompleteFuture(): CompletableFuture<V> = Derived(root, executor)

    override fun defaultExecutor(): Executor = executor

    override fun copy(): CompletableFuture<U> = localCopy(this, executor)

    private fun checkNotOwnLoop(method: String) {
        val r = root
        if (!isDone && r != null && r.loop != null && r.loop.isSingleThreaded && r.loop.isLoopThread()) {
            throw IllegalStateException(
                "$method on a stage of ${r.what} from its own loop's thread would deadlock: compose with thenCompose instead",
            )
        }
    }

    override fun get(): U {
        checkNotOwnLoop("get()")
        return super.get()
    }

    override fun get(timeout: Long, unit: TimeUnit): U {
        checkNotOwnLoop("get(timeout)")
        return super.get(timeout, unit)
    }

    override fun join(): U {
        checkNotOwnLoop("join()")
        return super.join()
    }
}

private fun <T> localCopy(source: CompletableFuture<T>, executor: Executor): CompletableFuture<T> {
    val copy = Derived<T>(null, executor)
    source.whenComplete { v, e ->
        if (e == null) {
            copy.complete(v)
        } else {
            copy.completeExceptionally(if (e is CancellationException || e is CompletionException) e else CompletionException(e))
        }
    }
    return copy
}

/**
 * A future that is complete from the start: what an uncontended call returns. Nothing can
 * change it (`obtrude*` throw), so one instance can be shared by every caller.
 */
public class Ready<T>(value: T) : CompletableFuture<T>() {
    init {
        super.complete(value)
    }

    override fun obtrudeValue(value: T): Unit =
        throw UnsupportedOperationException("obtrudeValue: this future is already complete and may be shared")

    override fun obtrudeException(ex: Throwable): Unit =
        throw UnsupportedOperationException("obtrudeException: this future is already complete and may be shared")

    /** `*Async` work runs on the loop that asks (the shared loop outside any loop). */
    override fun defaultExecutor(): Executor = LoopCore.currentOrShared()

    override fun <U> newIncompleteFuture(): CompletableFuture<U> = Derived(null, LoopCore.currentOrShared())

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
            w.deliver()
            while (true) (d.queue.pollFirst() ?: break).deliver()
        } finally {
            d.active = false
        }
    }
}

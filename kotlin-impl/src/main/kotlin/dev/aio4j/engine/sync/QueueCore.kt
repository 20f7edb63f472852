package dev.aio4j.engine.sync

import dev.aio4j.engine.LoopCore
import java.util.ArrayDeque
import java.util.PriorityQueue
import java.util.concurrent.CompletableFuture
import java.util.function.Supplier

/**
 * The engine of `AsyncQueue`, asyncio's `Queue`, `LifoQueue` and `PriorityQueue` (Python 3.13,
 * with `shutdown`). Items are never null (the public API refuses null).
 *
 * Every change of state happens in one critical section under the queue's monitor, so every
 * operation takes effect at one instant (the model-checking tests check linearizability):
 *
 * - An item stays in the buffer until a getter takes it. A put adds its item to the buffer and,
 *   if getters wait, *wakes* the first one; the woken getter takes the head item itself when its
 *   delivery runs (on its loop, or inline on the releasing thread when it has none). So [size]
 *   counts every item not yet taken, and never exceeds [maxsize] (when bounded): a waiting
 *   putter is admitted only when an item actually leaves the buffer.
 * - [reserved] counts the items promised to woken getters that have not run yet. A [get] takes
 *   an item at once only if one is left beyond those, otherwise it waits in line behind the
 *   getters already waiting: getters are served in the order they came. [poll] (`getNowait`)
 *   never waits: it takes the head whenever the buffer holds an item; a woken getter that then
 *   finds the buffer empty goes back to the head of the line, keeping its turn.
 * - A getter's "taken" and its cancellation exclude each other under the monitor. Cancelling a
 *   waiting getter unlinks it; cancelling a woken one releases its reservation and wakes the
 *   next getter if items remain; the item never moved, so nobody can see it missing or out of
 *   order. A cancel that comes after "taken" returns false and the future completes with the item.
 * - A put is final once its item is admitted (commit rule): cancelling it then returns false.
 * - `unfinished` counts items put and not yet marked done by [taskDone]; [join] waits for 0.
 *   [shutdown] with `immediate` drops the buffered items and uncounts them.
 * - Futures complete outside the monitor: user continuations never run under it.
 */
public class QueueCore(
    /** The capacity; 0 means unbounded. */
    @JvmField public val maxsize: Int,
    @JvmField public val kind: Kind,
    comparator: Comparator<Any?>?,
    /** The failure of a put, or of a get on an empty queue, once shut down. */
    private val shutDownError: Supplier<out Throwable>,
    /** What [poll] throws when the queue is empty (and not shut down). */
    private val emptyError: Supplier<out Throwable>,
) {
    /** The order in which items leave the queue. */
    public enum class Kind { FIFO, LIFO, PRIORITY }

    /** The outcome of [offer] (`putNowait`). */
    public enum class Offer { OK, FULL, REFUSED }

    private enum class Mode { OPEN, SHUTDOWN, IMMEDIATE }

    private val deque: ArrayDeque<Any>? = if (kind == Kind.PRIORITY) null else ArrayDeque()
    private val heap: PriorityQueue<Any>? = if (kind == Kind.PRIORITY) PriorityQueue(11, comparator) else null

    private val getters = WaitList()
    private val putters = WaitList()
    private val joiners = WaitList()

    /** Items in the buffer (guarded by the monitor). */
    private var n: Int = 0

    /** Items promised to woken getters that have not taken theirs yet (guarded by the monitor). */
    private var reserved: Int = 0

    /** [n] as of the end of the last critical section that changed it: what [size] reads without the monitor. */
    @Volatile
    private var count: Int = 0
    private var unfinished: Long = 0

    @Volatile
    private var mode: Mode = Mode.OPEN

    // ---------------------------------------------------------------- buffer

    private fun addItem(x: Any) {
        when (kind) {
            Kind.FIFO -> deque!!.addLast(x)
            Kind.LIFO -> deque!!.addFirst(x)
            Kind.PRIORITY -> heap!!.add(x)
        }
        n++
    }

    private fun takeItem(): Any {
        n--
        return if (kind == Kind.PRIORITY) heap!!.poll() else deque!!.pollFirst()
    }

    private fun hasRoom(): Boolean = maxsize == 0 || n < maxsize

    /** Under the monitor: after an item left the buffer, admits the first waiting putter's item if there is room. */
    private fun admitPutterLocked(): Waiter<*>? {
        if (!hasRoom()) return null
        val p = putters.poll() ?: return null
        addItem(p.value!!)
        p.value = null
        unfinished++
        return p
    }

    /**
     * Under the monitor: wakes the first waiting getter if an item is left beyond those already
     * promised. Each operation frees at most one item, so at most one getter is woken at a time.
     */
    private fun wakeGetterLocked(): GetWaiter? {
        if (n - reserved <= 0) return null
        val g = getters.poll() as GetWaiter? ?: return null
        g.state = GetState.WOKEN
        reserved++
        return g
    }

    /** Under the monitor: once shut down and empty, the waiting getters fail (the chain to dispatch). */
    private fun failDrainedGettersLocked(): Waiter<*>? {
        if (mode == Mode.OPEN || n != 0 || getters.isEmpty) return null
        var w = getters.head
        while (w != null) {
            (w as GetWaiter).state = GetState.FAILING
            w.failure = shutDownError.get()
            w = w.next
        }
        return getters.detachAll()
    }

    /** Outside the monitor: completes the waiters a take released (a putter admitted, a getter woken, getters failed). */
    private fun release(admitted: Waiter<*>?, woken: Waiter<*>?, failed: Waiter<*>?) {
        admitted?.dispatch()
        woken?.dispatch()
        WaitList.dispatchChain(failed)
    }

    // ---------------------------------------------------------------- putting

    /** `putNowait`. */
    public fun offer(item: Any): Offer {
        val getter: Waiter<*>?
        synchronized(this) {
            if (mode != Mode.OPEN) return Offer.REFUSED
            if (!hasRoom()) return Offer.FULL
            addItem(item)
            unfinished++
            getter = wakeGetterLocked()
            count = n
        }
        getter?.dispatch()
        return Offer.OK
    }

    /** `put`: [Ready.VOID] when the item went in now, a waiter while the queue is full, a failed future after shutdown. */
    public fun put(item: Any): CompletableFuture<Void?> {
        val getter: Waiter<*>?
        synchronized(this) {
            if (mode != Mode.OPEN) return CompletableFuture.failedFuture(shutDownError.get())
            if (!hasRoom()) {
                val w = PutWaiter(this, LoopCore.current())
                w.value = item
                putters.add(w)
                return w
            }
            addItem(item)
            unfinished++
            getter = wakeGetterLocked()
            count = n
        }
        getter?.dispatch()
        return Ready.VOID
    }

    // ---------------------------------------------------------------- getting

    /**
     * `getNowait`: the head item whenever the buffer holds one (even one promised to a woken
     * getter, which then waits again at the head of the line).
     * @throws Throwable the `emptyError` if empty, the `shutDownError` if empty and shut down
     */
    public fun poll(): Any {
        val x: Any
        val admitted: Waiter<*>?
        val woken: Waiter<*>?
        val failed: Waiter<*>?
        synchronized(this) {
            if (n == 0) throw if (mode != Mode.OPEN) shutDownError.get() else emptyError.get()
            x = takeItem()
            admitted = admitPutterLocked()
            woken = wakeGetterLocked()
            failed = failDrainedGettersLocked()
            count = n
        }
        release(admitted, woken, failed)
        return x
    }

    /** `get`: a completed future when an item is free, a waiter otherwise, a failed future when empty and shut down. */
    public fun get(): CompletableFuture<Any?> = get(null, true)

    /** [get] for a caller on [loop] (the model-checking tests pass a loop they run step by step). */
    internal fun get(loop: LoopCore?): CompletableFuture<Any?> = get(loop, false)

    /** The caller's loop is looked up ([ofCaller]) only when it has to wait: the fast path needs none. */
    private fun get(loop: LoopCore?, ofCaller: Boolean): CompletableFuture<Any?> {
        val x: Any
        val admitted: Waiter<*>?
        val woken: Waiter<*>?
        val failed: Waiter<*>?
        synchronized(this) {
            if (n - reserved <= 0) {
                if (mode != Mode.OPEN && n == 0) return CompletableFuture.failedFuture(shutDownError.get())
                val w = GetWaiter(this, if (ofCaller) LoopCore.current() else loop)
                getters.add(w)
                return w
            }
            x = takeItem()
            admitted = admitPutterLocked()
            woken = wakeGetterLocked()
            failed = failDrainedGettersLocked()
            count = n
        }
        release(admitted, woken, failed)
        return Ready(x)
    }

    /** The delivery of a woken getter, on its loop (or inline): it takes the head item now. */
    internal fun deliverGet(w: GetWaiter) {
        var x: Any? = null
        var error: Throwable? = null
        var admitted: Waiter<*>? = null
        var woken: Waiter<*>? = null
        var failed: Waiter<*>? = null
        synchronized(this) {
            when (w.state) {
                GetState.FAILING -> {
                    w.state = GetState.FAILED
                    error = w.failure
                    w.failure = null
                }
                GetState.WOKEN -> {
                    reserved--
                    if (n > 0) {
                        x = takeItem()
                        w.state = GetState.TAKEN
                        admitted = admitPutterLocked()
                        woken = wakeGetterLocked()
                        failed = failDrainedGettersLocked()
                        count = n
                    } else if (mode != Mode.OPEN) { // dropped by shutdown(immediate)
                        w.state = GetState.FAILED
                        error = shutDownError.get()
                    } else { // a getNowait took the item: wait again, first in line
                        w.state = GetState.WAITING
                        getters.addFirst(w)
                        return
                    }
                }
                else -> return // cancelled meanwhile: the cancellation released its promise
            }
        }
        val e = error
        if (e != null) {
            w.failInternal(e)
        } else {
            release(admitted, woken, failed)
            w.completeInternal(x) // never refused: a cancel that comes after TAKEN returns false
        }
    }

    /**
     * Cancels a getter (with [error] instead of a cancellation, for `orTimeout`), unless it has
     * taken its item already: then false, and the future completes with the item.
     */
    internal fun withdrawGet(w: GetWaiter, error: Throwable?): Boolean {
        var woken: Waiter<*>? = null
        synchronized(this) {
            when (w.state) {
                GetState.WAITING -> getters.remove(w)
                GetState.WOKEN -> {
                    reserved--
                    woken = wakeGetterLocked() // its promise passes to the next getter in line
                }
                GetState.FAILING -> w.failure = null
                GetState.CANCELLED -> return error == null && w.cancelInternal() // a concurrent cancel won
                GetState.TAKEN, GetState.FAILED -> return false // decided already: the future completes so
            }
            w.state = GetState.CANCELLED
        }
        if (error == null) w.cancelInternal() else w.failInternal(error)
        woken?.dispatch()
        return true
    }

    // ---------------------------------------------------------------- task accounting

    /**
     * Marks one item as processed; wakes [join] waiters when none is left.
     * @throws IllegalStateException if called more times than items were put
     */
    public fun taskDone() {
        val chain: Waiter<*>?
        synchronized(this) {
            check(unfinished > 0) {
                "taskDone() called more times than there were items put: call it once per item taken with get/getNowait"
            }
            unfinished--
            chain = if (unfinished == 0L) joiners.detachAll() else null
        }
        WaitList.dispatchChain(chain)
    }

    /** [Ready.VOID] if no item is unfinished, else a waiter that completes when the count reaches 0. */
    public fun join(): CompletableFuture<Void?> {
        synchronized(this) {
            if (unfinished == 0L) return Ready.VOID
            val w = JoinWaiter(this, LoopCore.current())
            joiners.add(w)
            return w
        }
    }

    // ---------------------------------------------------------------- shutdown

    /**
     * Shuts the queue down (Python 3.13): puts fail from now on; gets drain what is buffered,
     * then fail; waiting putters fail now, and waiting getters once the buffer is empty. With
     * [immediate] the buffered items are dropped and uncounted, so [join] returns once the items
     * already taken are done (a woken getter then finds nothing and fails).
     */
    public fun shutdown(immediate: Boolean) {
        var joined: Waiter<*>? = null
        val gs: Waiter<*>?
        val ps: Waiter<*>?
        synchronized(this) {
            if (immediate) {
                mode = Mode.IMMEDIATE
                while (n > 0) {
                    takeItem()
                    if (unfinished > 0) unfinished--
                }
                count = 0
                if (unfinished == 0L) joined = joiners.detachAll()
            } else if (mode == Mode.OPEN) {
                mode = Mode.SHUTDOWN
            }
            var p = putters.head
            while (p != null) {
                p.failure = shutDownError.get()
                p.value = null
                p = p.next
            }
            ps = putters.detachAll()
            gs = failDrainedGettersLocked()
        }
        WaitList.dispatchChain(gs)
        WaitList.dispatchChain(ps)
        WaitList.dispatchChain(joined)
    }

    /** True once [shutdown] was called. */
    public val isShutDown: Boolean get() = mode != Mode.OPEN

    // ---------------------------------------------------------------- state

    /** Items in the queue (not yet taken by a getter); never more than [maxsize] when bounded. */
    public fun size(): Int = count

    /** Items put and not yet marked done. */
    public fun unfinishedTasks(): Long = synchronized(this) { unfinished }

    internal fun unlink(w: Waiter<*>) {
        synchronized(this) { w.list?.remove(w) }
    }

    /** Withdraws a putter if its item has not been admitted (the commit rule). */
    internal fun unlinkPutter(w: Waiter<*>): Boolean = synchronized(this) {
        if (putters.remove(w)) {
            w.value = null
            true
        } else {
            false
        }
    }

    /** Waiting getters, putters and joiners (withdrawn ones leave at once; woken getters are not counted). */
    public fun waiterCount(): Int = synchronized(this) { getters.size + putters.size + joiners.size }

    /** Woken getters that have not taken their item yet (for tests). */
    public fun reservedCount(): Int = synchronized(this) { reserved }

    override fun toString(): String {
        val s: String
        synchronized(this) {
            s = "size=$n, maxsize=$maxsize, unfinished=$unfinished, getters=${getters.size + reserved}, putters=${putters.size}"
        }
        val k = when (kind) {
            Kind.FIFO -> "fifo"
            Kind.LIFO -> "lifo"
            Kind.PRIORITY -> "priority"
        }
        val sd = when (mode) {
            Mode.OPEN -> ""
            Mode.SHUTDOWN -> ", shut down"
            Mode.IMMEDIATE -> ", shut down (immediate)"
        }
        return "AsyncQueue[$k, $s$sd]"
    }
}

/**
 * A waiting `get()`. Its [state] moves under the queue's monitor: WAITING (in line) → WOKEN (an
 * item is promised) → TAKEN (it took the head item; the future completes with it), or FAILING →
 * FAILED (shutdown), or → CANCELLED from WAITING, WOKEN or FAILING.
 */
internal class GetWaiter(private val owner: QueueCore, loop: LoopCore?) : Waiter<Any?>(loop, 2) {
    override fun awaitedDescription(): String = owner.toString()

    /** Guarded by the queue's monitor. */
    @JvmField internal var state: GetState = GetState.WAITING

    override val what: String get() = "AsyncQueue.get()"

    override fun deliver() {
        owner.deliverGet(this)
    }

    override fun withdraw(error: Throwable?): Boolean = owner.withdrawGet(this, error)

    override fun refused() {} // not used: deliverGet completes the future only once it has taken its item

    override fun unlink() {} // not used: withdrawGet unlinks under the monitor
}

/** Where a [GetWaiter] stands; see there. */
internal enum class GetState { WAITING, WOKEN, TAKEN, FAILING, FAILED, CANCELLED }

internal class PutWaiter(private val owner: QueueCore, loop: LoopCore?) : Waiter<Void?>(loop, 2) {
    override fun awaitedDescription(): String = owner.toString()

    override val what: String get() = "AsyncQueue.put()"

    override fun withdraw(error: Throwable?): Boolean = withdrawIfQueued(owner.unlinkPutter(this), error)

    override fun refused() {} // cannot happen: once unlinked only the queue completes it

    override fun unlink() {}
}

internal class JoinWaiter(private val owner: QueueCore, loop: LoopCore?) : Waiter<Void?>(loop) {
    override fun awaitedDescription(): String = owner.toString()

    override val what: String get() = "AsyncQueue.join()"

    override fun refused() {}

    override fun unlink() {
        owner.unlink(this)
    }
}

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
 * - An item put while a getter waits goes straight to that getter; otherwise into the buffer.
 *   A getter that takes an item from a full buffer admits the first waiting putter's item.
 *   So getters wait only on an empty buffer, putters only on a full one, each in FIFO order.
 * - A get that is cancelled as an item reaches it gives the item back: to the next getter, or
 *   back where it came from (the head for FIFO and LIFO, the heap for priority). That can make
 *   the buffer hold one item more than [maxsize] for a moment when putters were admitted meanwhile.
 * - A put is final once its item is admitted (commit rule): cancelling it then returns false.
 * - `unfinished` counts items put and not yet marked done by [taskDone]; [join] waits for 0.
 *   [shutdown] with `immediate` drops the buffered items and uncounts them.
 */
public class QueueCore(
    /** The capacity; 0 means unbounded. */
    @JvmField public val maxsize: Int,
    @JvmField public val kind: Int,
    comparator: Comparator<Any?>?,
    private val shutDownError: Supplier<out Throwable>,
) {
    private val deque: ArrayDeque<Any>? = if (kind == PRIORITY) null else ArrayDeque()
    private val heap: PriorityQueue<Any>? = if (kind == PRIORITY) PriorityQueue(11, comparator) else null

    private val getters = WaitList()
    private val putters = WaitList()
    private val joiners = WaitList()

    /** Items in the buffer (guarded by the monitor). */
    private var n: Int = 0

    /** [n] as of the end of the last critical section that changed it: what [size] reads without the monitor. */
    @Volatile
    private var count: Int = 0
    private var unfinished: Long = 0

    @Volatile
    private var shutdownMode: Int = OPEN

    // ---------------------------------------------------------------- buffer

    private fun addItem(x: Any) {
        when (kind) {
            FIFO -> deque!!.addLast(x)
            LIFO -> deque!!.addFirst(x)
            else -> heap!!.add(x)
        }
        n++
    }

    private fun takeItem(): Any {
        n--
        return if (kind == PRIORITY) heap!!.poll() else deque!!.pollFirst()
    }

    private fun returnItem(x: Any) {
        if (kind == PRIORITY) heap!!.add(x) else deque!!.addFirst(x)
        n++
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

    // ---------------------------------------------------------------- putting

    /** `putNowait`: [OK], [FULL] or [REFUSED] (shut down). */
    public fun offer(item: Any): Int {
        val getter: Waiter<*>?
        synchronized(this) {
            if (shutdownMode != OPEN) return REFUSED
            getter = getters.pollLive()
            if (getter != null) {
                getter.value = item
            } else {
                if (!hasRoom()) return FULL
                addItem(item)
                count = n
            }
            unfinished++
        }
        getter?.dispatch()
        return OK
    }

    /** `put`: [Ready.VOID] when the item went in now, a waiter while the queue is full, a failed future after shutdown. */
    public fun put(item: Any): CompletableFuture<Void?> {
        val getter: Waiter<*>?
        synchronized(this) {
            if (shutdownMode != OPEN) return CompletableFuture.failedFuture(shutDownError.get())
            getter = getters.pollLive()
            if (getter != null) {
                getter.value = item
            } else if (hasRoom()) {
                addItem(item)
                count = n
            } else {
                val w = PutWaiter(this, LoopCore.current())
                w.value = item
                putters.add(w)
                return w
            }
            unfinished++
        }
        getter?.dispatch()
        return Ready.VOID
    }

    // ---------------------------------------------------------------- getting

    /** `getNowait`: the item, or [EMPTY] / [SHUT_DOWN] (empty and shut down). */
    public fun poll(): Any {
        val x: Any
        val admitted: Waiter<*>?
        synchronized(this) {
            if (n == 0) return if (shutdownMode != OPEN) SHUT_DOWN else EMPTY
            x = takeItem()
            admitted = admitPutterLocked()
            count = n
        }
        admitted?.dispatch()
        return x
    }

    /** `get`: a completed future when an item is there, a waiter while empty, a failed future when empty and shut down. */
    public fun get(): CompletableFuture<Any?> {
        val x: Any
        val admitted: Waiter<*>?
        synchronized(this) {
            if (n == 0) {
                if (shutdownMode != OPEN) return CompletableFuture.failedFuture(shutDownError.get())
                val w = GetWaiter(this, LoopCore.current())
                getters.add(w)
                return w
            }
            x = takeItem()
            admitted = admitPutterLocked()
            count = n
        }
        admitted?.dispatch()
        return Ready(x)
    }

    /** An item handed to a getter whose future was cancelled at that moment: to the next getter, or back in the buffer. */
    internal fun giveBack(x: Any) {
        val getter: Waiter<*>?
        var joined: Waiter<*>? = null
        synchronized(this) {
            if (shutdownMode == IMMEDIATE) { // dropped, as shutdown(immediate) drops what is buffered
                if (unfinished > 0 && --unfinished == 0L) joined = joiners.detachAll()
                getter = null
            } else {
                getter = getters.pollLive()
                if (getter != null) getter.value = x else returnItem(x)
                count = n
            }
        }
        getter?.dispatch()
        WaitList.dispatchChain(joined)
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
     * then fail; waiting putters and getters fail now. With [immediate] the buffered items are
     * dropped and uncounted, so [join] returns once the items already taken are done.
     */
    public fun shutdown(immediate: Boolean) {
        var joined: Waiter<*>? = null
        val gs: Waiter<*>?
        val ps: Waiter<*>?
        synchronized(this) {
            if (immediate) {
                shutdownMode = IMMEDIATE
                while (n > 0) {
                    takeItem()
                    if (unfinished > 0) unfinished--
                }
                count = 0
                if (unfinished == 0L) joined = joiners.detachAll()
            } else if (shutdownMode == OPEN) {
                shutdownMode = SHUTDOWN
            }
            failAll(getters)
            failAll(putters)
            gs = getters.detachAll()
            ps = putters.detachAll()
        }
        WaitList.dispatchChain(gs)
        WaitList.dispatchChain(ps)
        WaitList.dispatchChain(joined)
    }

    private fun failAll(list: WaitList) {
        var w = list.head
        while (w != null) {
            w.failure = shutDownError.get()
            w.value = null
            w = w.next
        }
    }

    /** True once [shutdown] was called. */
    public val isShutDown: Boolean get() = shutdownMode != OPEN

    // ---------------------------------------------------------------- state

    /** Items in the buffer. */
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

    /** Waiting getters, putters and joiners (withdrawn ones leave at once). */
    public fun waiterCount(): Int = synchronized(this) { getters.size + putters.size + joiners.size }

    override fun toString(): String {
        val s: String
        synchronized(this) {
            s = "size=$n, maxsize=$maxsize, unfinished=$unfinished, getters=${getters.size}, putters=${putters.size}"
        }
        val k = when (kind) {
            FIFO -> "fifo"
            LIFO -> "lifo"
            else -> "priority"
        }
        val sd = when (shutdownMode) {
            OPEN -> ""
            SHUTDOWN -> ", shut down"
            else -> ", shut down (immediate)"
        }
        return "AsyncQueue[$k, $s$sd]"
    }

    public companion object {
        public const val FIFO: Int = 0
        public const val LIFO: Int = 1
        public const val PRIORITY: Int = 2

        public const val OK: Int = 0
        public const val FULL: Int = 1
        public const val REFUSED: Int = 2

        /** Returned by [poll] when the queue is empty and shut down. */
        @JvmField
        public val SHUT_DOWN: Any = Marker("shut down")

        /** Returned by [poll] when the queue is empty. */
        @JvmField
        public val EMPTY: Any = Marker("empty")

        private const val OPEN = 0
        private const val SHUTDOWN = 1
        private const val IMMEDIATE = 2
    }

    private class Marker(private val name: String) {
        override fun toString(): String = name
    }
}

internal class GetWaiter(private val owner: QueueCore, loop: LoopCore?) : Waiter<Any?>(loop) {
    override val what: String get() = "AsyncQueue.get()"

    override fun deliver() {
        val x = value
        if (failure == null && x != null) {
            value = null
            if (!completeInternal(x)) owner.giveBack(x)
            return
        }
        super.deliver()
    }

    override fun refused() {} // a failure (shutdown) was refused: nothing to give back

    override fun unlink() {
        owner.unlink(this)
    }
}

internal class PutWaiter(private val owner: QueueCore, loop: LoopCore?) : Waiter<Void?>(loop) {
    override val what: String get() = "AsyncQueue.put()"

    override fun withdraw(error: Throwable?): Boolean = withdrawIfQueued(owner.unlinkPutter(this), error)

    override fun refused() {} // cannot happen: once unlinked only the queue completes it

    override fun unlink() {}
}

internal class JoinWaiter(private val owner: QueueCore, loop: LoopCore?) : Waiter<Void?>(loop) {
    override val what: String get() = "AsyncQueue.join()"

    override fun refused() {}

    override fun unlink() {
        owner.unlink(this)
    }
}

package dev.aio4j.engine

/**
 * Something a loop can run at a deadline. The heap that holds it keeps its index, so a timer is
 * removed in O(log n) the moment it is no longer wanted: nothing accumulates.
 *
 * [run] is what a loop calls when it dispatches the node as a plain [Runnable] (the shared loop's
 * timer thread does that to fire it on a worker); by default that fires the timer.
 */
public abstract class TimerNode : Runnable {
    @JvmField internal var deadline: Long = 0L
    @JvmField internal var heapIndex: Int = -1

    /** Called on the loop's thread when the deadline has passed (at most once per scheduling). */
    public abstract fun onTimer()

    override fun run() {
        onTimer()
    }

    /** True while the node is waiting in a timer heap. */
    public val isScheduled: Boolean get() = heapIndex >= 0
}

/** A binary min-heap of [TimerNode]s ordered by deadline (overflow-safe nanoTime comparison). Not thread-safe. */
internal class TimerHeap {
    private var nodes: Array<TimerNode?> = arrayOfNulls(64)
    var size: Int = 0
        private set

    fun isEmpty(): Boolean = size == 0

    fun peek(): TimerNode? = if (size == 0) null else nodes[0]

    fun add(node: TimerNode) {
        if (size == nodes.size) nodes = nodes.copyOf(size * 2)
        val i = size++
        nodes[i] = node
        node.heapIndex = i
        siftUp(i)
    }

    fun poll(): TimerNode? {
        if (size == 0) return null
        val top = nodes[0]!!
        removeAt(0)
        return top
    }

    /** Removes [node] if it is in this heap; returns whether it was. */
    fun remove(node: TimerNode): Boolean {
        val i = node.heapIndex
        if (i < 0 || i >= size || nodes[i] !== node) return false
        removeAt(i)
        return true
    }

    /** Removes every node, returning them (used when a loop closes). */
    fun drain(): List<TimerNode> {
        val out = ArrayList<TimerNode>(size)
        for (i in 0 until size) {
            val n = nodes[i]!!
            n.heapIndex = -1
            out.add(n)
            nodes[i] = null
        }
        size = 0
        if (nodes.size > 1024) nodes = arrayOfNulls(64)
        return out
    }

    private fun removeAt(i: Int) {
        val removed = nodes[i]!!
        removed.heapIndex = -1
        val last = --size
        if (i == last) {
            nodes[last] = null
        } else {
            val moved = nodes[last]!!
            nodes[last] = null
            nodes[i] = moved
            moved.heapIndex = i
            siftDown(i)
            if (nodes[i] === moved) siftUp(i)
        }
        if (size == 0 && nodes.size > 4096) nodes = arrayOfNulls(64)
    }

    private fun siftUp(start: Int) {
        var i = start
        val node = nodes[i]!!
        while (i > 0) {
            val parent = (i - 1) ushr 1
            val p = nodes[parent]!!
            if (node.deadline - p.deadline >= 0) break
            nodes[i] = p
            p.heapIndex = i
            i = parent
        }
        nodes[i] = node
        node.heapIndex = i
    }

    private fun siftDown(start: Int) {
        var i = start
        val node = nodes[i]!!
        val half = size ushr 1
        while (i < half) {
            var child = 2 * i + 1
            var c = nodes[child]!!
            val right = child + 1
            if (right < size) {
                val r = nodes[right]!!
                if (r.deadline - c.deadline < 0) {
                    child = right
                    c = r
                }
            }
            if (node.deadline - c.deadline <= 0) break
            nodes[i] = c
            c.heapIndex = i
            i = child
        }
        nodes[i] = node
        node.heapIndex = i
    }
}

/** Delay arithmetic shared by the loops: saturating, so a huge delay never overflows or fires early. */
public object Delays {
    /** Longest delay a loop schedules (about 73 years); longer ones are clamped to it, which never fires in practice. */
    public const val MAX_DELAY_NANOS: Long = Long.MAX_VALUE shr 2

    /** Clamps [nanos] into [0, MAX_DELAY_NANOS]. */
    @JvmStatic
    public fun clamp(nanos: Long): Long = if (nanos <= 0L) 0L else if (nanos > MAX_DELAY_NANOS) MAX_DELAY_NANOS else nanos

    /** [java.time.Duration] to clamped nanoseconds without overflow. */
    @JvmStatic
    public fun toNanos(d: java.time.Duration): Long {
        if (d.isNegative || d.isZero) return 0L
        if (d.seconds >= MAX_DELAY_NANOS / 1_000_000_000L) return MAX_DELAY_NANOS
        return clamp(d.toNanos())
    }
}

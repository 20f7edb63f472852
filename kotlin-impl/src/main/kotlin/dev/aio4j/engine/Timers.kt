package dev.aio4j.engine

/**
 * Something a loop can run at a deadline. The queue that holds it links it in place, so a timer
 * is removed in O(1) the moment it is no longer wanted: nothing accumulates.
 *
 * [run] is what a loop calls when it dispatches the node as a plain [Runnable] (the shared loop's
 * timer thread does that to fire it on a worker); by default that fires the timer.
 */
public abstract class TimerNode : Runnable {
    @JvmField internal var deadline: Long = 0L
    @JvmField internal var lane: TimerLane? = null
    @JvmField internal var lanePrev: TimerNode? = null
    @JvmField internal var laneNext: TimerNode? = null

    /** Called on the loop's thread when the deadline has passed (at most once per scheduling). */
    public abstract fun onTimer()

    override fun run() {
        onTimer()
    }

    /**
     * True for a timeout (of `waitFor`, `wait`, `asCompleted`): on a test loop, a timeout due at an
     * instant fires after everything else ready at that instant, so a result that arrives exactly
     * at the deadline wins, every time. Real time has no exact ties; production loops ignore it.
     */
    public open val isTimeout: Boolean get() = false

    /** True while the node is waiting in a timer queue. */
    public val isScheduled: Boolean get() = lane != null
}

/** The timers scheduled with one delay, in deadline order (they arrive in it). */
internal class TimerLane(@JvmField val delay: Long) {
    @JvmField var head: TimerNode? = null
    @JvmField var tail: TimerNode? = null
    @JvmField var heapIndex: Int = -1
}

/**
 * The timers of one loop: one FIFO lane per distinct delay (timers with the same delay are
 * scheduled in deadline order, so a lane needs no sorting), and a binary heap of lanes keyed by
 * their first deadline. Scheduling, withdrawing and firing are O(1) for a delay already in use,
 * O(log lanes) otherwise. A million sleeps of one duration cost no sifting at all. Not thread-safe.
 */
internal open class TimerQueue {
    private val lanes = HashMap<Long, TimerLane>()
    private var heap: Array<TimerLane?> = arrayOfNulls(16)
    private var laneCount = 0
    var size: Int = 0
        protected set

    fun isEmpty(): Boolean = size == 0

    /** The timer due first, or null. */
    open fun peek(): TimerNode? = if (laneCount == 0) null else heap[0]!!.head

    /** Adds [node], due at its [TimerNode.deadline], to the lane of [delay]. */
    open fun add(node: TimerNode, delay: Long) {
        var lane = lanes[delay]
        if (lane == null) {
            lane = TimerLane(delay)
            lanes[delay] = lane
        }
        node.lane = lane
        val tail = lane.tail
        if (tail == null) {
            node.lanePrev = null
            node.laneNext = null
            lane.head = node
            lane.tail = node
            heapAdd(lane)
        } else if (node.deadline - tail.deadline >= 0) {
            node.lanePrev = tail
            node.laneNext = null
            tail.laneNext = node
            lane.tail = node
        } else { // out of order (rare): walk back to its place
            var after: TimerNode? = tail
            while (after != null && node.deadline - after.deadline < 0) after = after.lanePrev
            if (after == null) {
                node.lanePrev = null
                node.laneNext = lane.head
                lane.head!!.lanePrev = node
                lane.head = node
                siftUp(lane.heapIndex)
            } else {
                node.lanePrev = after
                node.laneNext = after.laneNext
                after.laneNext!!.lanePrev = node
                after.laneNext = node
            }
        }
        size++
    }

    /** Removes and returns the timer due first, or null. */
    open fun poll(): TimerNode? {
        if (laneCount == 0) return null
        val n = heap[0]!!.head!!
        remove(n)
        return n
    }

    /** Removes [node] if it is in this queue; returns whether it was. */
    open fun remove(node: TimerNode): Boolean {
        val lane = node.lane ?: return false
        if (lane.heapIndex < 0 || heap[lane.heapIndex] !== lane) return false // another queue's
        val wasHead = lane.head === node
        val p = node.lanePrev
        val n = node.laneNext
        if (p == null) lane.head = n else p.laneNext = n
        if (n == null) lane.tail = p else n.lanePrev = p
        node.lane = null
        node.lanePrev = null
        node.laneNext = null
        size--
        if (lane.head == null) {
            heapRemove(lane.heapIndex)
            lanes.remove(lane.delay)
        } else if (wasHead) {
            siftDown(lane.heapIndex)
        }
        return true
    }

    /** Removes every timer, returning them (used when a loop closes). */
    open fun drain(): List<TimerNode> {
        val out = ArrayList<TimerNode>(size)
        for (i in 0 until laneCount) {
            var n = heap[i]!!.head
            while (n != null) {
                val next = n.laneNext
                n.lane = null
                n.lanePrev = null
                n.laneNext = null
                out.add(n)
                n = next
            }
            heap[i] = null
        }
        laneCount = 0
        size = 0
        lanes.clear()
        return out
    }

    private fun key(lane: TimerLane): Long = lane.head!!.deadline

    private fun heapAdd(lane: TimerLane) {
        if (laneCount == heap.size) heap = heap.copyOf(laneCount * 2)
        heap[laneCount] = lane
        lane.heapIndex = laneCount
        laneCount++
        siftUp(lane.heapIndex)
    }

    private fun heapRemove(i: Int) {
        val removed = heap[i]!!
        removed.heapIndex = -1
        val last = --laneCount
        if (i == last) {
            heap[last] = null
            return
        }
        val moved = heap[last]!!
        heap[last] = null
        heap[i] = moved
        moved.heapIndex = i
        siftDown(i)
        if (heap[i] === moved) siftUp(i)
    }

    private fun siftUp(start: Int) {
        var i = start
        val lane = heap[i]!!
        val k = key(lane)
        while (i > 0) {
            val parent = (i - 1) ushr 1
            val p = heap[parent]!!
            if (k - key(p) >= 0) break
            heap[i] = p
            p.heapIndex = i
            i = parent
        }
        heap[i] = lane
        lane.heapIndex = i
    }

    private fun siftDown(start: Int) {
        var i = start
        val lane = heap[i]!!
        val k = key(lane)
        val half = laneCount ushr 1
        while (i < half) {
            var child = 2 * i + 1
            var c = heap[child]!!
            val right = child + 1
            if (right < laneCount) {
                val r = heap[right]!!
                if (key(r) - key(c) < 0) {
                    child = right
                    c = r
                }
            }
            if (k - key(c) <= 0) break
            heap[i] = c
            c.heapIndex = i
            i = child
        }
        heap[i] = lane
        lane.heapIndex = i
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

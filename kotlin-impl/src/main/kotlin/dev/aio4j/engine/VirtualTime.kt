package dev.aio4j.engine

import java.util.IdentityHashMap
import java.util.TreeSet
import java.util.WeakHashMap
import java.util.concurrent.atomic.AtomicInteger

/**
 * The virtual clock of a test loop (`dev.aio4j.test.TestLoop`), and what it needs to move that
 * clock safely: the count of *external work* (stages of other threads and loops that tasks of the
 * loop wait for, `toThread` jobs), the steps run since time last moved, the failures nobody
 * retrieved, and when each live task was created.
 *
 * A production loop has none ([LoopCore.virtual] is null): its clock is `System.nanoTime()`, read
 * directly.
 */
public class VirtualTime internal constructor(
    /** Whether the loop may jump to the next timer by itself when nothing else can happen. */
    @JvmField public val autoAdvance: Boolean,
    /** Real nanoseconds a driving call may take before it fails. */
    @JvmField public val wallClockNanos: Long,
    /** Steps allowed at one instant before the loop is declared stuck. */
    @JvmField public val maxStepsPerInstant: Int,
) {
    /** Virtual nanoseconds since the loop was created; only moves forward, under this object's lock. */
    @Volatile
    @JvmField
    internal var now: Long = 0L

    private val external = AtomicInteger()
    private val jobs = AtomicInteger() // the part of [external] that is toThread / runInExecutor jobs


    @JvmField internal var stepsAtInstant: Long = 0L

    internal lateinit var loop: EventLoopCore

    private val failed = ArrayList<LoopFuture<*>>() // guarded by itself
    private val created = WeakHashMap<TaskCore, Long>() // loop thread only

    /** Outstanding external work: jobs, and stages that complete elsewhere. */
    public fun externalWork(): Int = external.get()

    /** Outstanding `toThread` / `runInExecutor` jobs: outside work that ends by itself. */
    public fun jobs(): Int = jobs.get()

    /** A `toThread` / `runInExecutor` job started: outside work that ends by itself. */
    internal fun beginJob() {
        jobs.incrementAndGet()
        external.incrementAndGet()
    }

    internal fun endJob() {
        jobs.decrementAndGet()
        end()
    }

    /** Something outside the loop will post to it later: time must not jump before it has. */
    internal fun begin() {
        external.incrementAndGet()
    }

    /** That external work has posted what it had for the loop (or withdrew). */
    internal fun end() {
        if (external.decrementAndGet() == 0) loop.wakeUp()
    }

    internal fun noteCreated(core: TaskCore) {
        created[core] = now
    }

    /** Virtual nanoseconds since [core] was registered with the loop, or -1 if unknown. */
    public fun ageOf(core: TaskCore): Long {
        val t = created[core] ?: return -1L
        return now - t
    }

    internal fun noteFailure(f: LoopFuture<*>) {
        synchronized(failed) { failed.add(f) }
    }

    /**
     * The futures that failed and were never looked at (oldest first); each is then marked as
     * retrieved, so it is reported here only, never again by the garbage collector's report.
     */
    public fun takeUnretrievedFailures(): List<LoopFuture<*>> {
        val all = synchronized(failed) { ArrayList(failed).also { failed.clear() } }
        val out = all.filter { !it.wasObservedInternal() }
        for (f in out) f.markObservedInternal()
        return out
    }

    public companion object {
        /** A deadline that never comes: where a delay at [Delays.MAX_DELAY_NANOS] (a "forever") is put. */
        public const val NEVER: Long = Long.MAX_VALUE

        /** The latest instant the clock reaches (about 146 years); advancing further stops there. */
        public const val MAX_NOW: Long = Long.MAX_VALUE shr 1

        /** Whether [stage], awaited by a task of [loop], completes outside it (another thread or loop). */
        internal fun completesElsewhere(stage: Any?, loop: LoopCore): Boolean =
            if (stage is LoopFuture<*>) stage.homeLoop() !== loop else true
    }
}

/**
 * A listener of a stage that completes outside a virtual-time loop: counts as external work from
 * its registration until it has passed the outcome on (which posts to the loop) or withdrew.
 */
internal class ExternalWatch(listener: StageListener, private val tag: Int, private val vt: VirtualTime) :
    ForeignRelay(listener, tag), StageListener {
    private val state = AtomicInteger() // 0 watching, 1 withdrawn, 2 delivered

    init {
        vt.begin()
    }

    override fun accept(v: Any?, e: Throwable?) {
        if (!state.compareAndSet(0, 2)) return
        try {
            super.accept(v, e)
        } finally {
            vt.end()
        }
    }

    override fun onStageDone(tag: Int, value: Any?, error: Throwable?) {
        if (!state.compareAndSet(0, 2)) return
        try {
            deliverDirect(tag, value, error)
        } finally {
            vt.end()
        }
    }

    override fun clear() {
        super.clear()
        if (state.compareAndSet(0, 1)) vt.end()
    }
}

/** Timers of a virtual-time loop: deadline order; at one deadline, timeouts last, the rest in the order they were scheduled. */
internal class VirtualTimerQueue : TimerQueue() {
    private class Entry(val node: TimerNode, val deadline: Long, val seq: Long) {
        val rank: Int = if (node.isTimeout) 1 else 0
    }

    // at one deadline, timeouts after every other timer (see TimerNode.isTimeout)
    private val order = TreeSet<Entry>(ORDER)
    private val entries = IdentityHashMap<TimerNode, Entry>()
    private var nextSeq = 0L

    override fun peek(): TimerNode? = if (order.isEmpty()) null else order.first().node

    override fun add(node: TimerNode, delay: Long) {
        remove(node)
        val e = Entry(node, node.deadline, nextSeq++)
        entries[node] = e
        order.add(e)
        node.lane = MARK
        size = entries.size
    }

    override fun poll(): TimerNode? {
        val e = order.pollFirst() ?: return null
        entries.remove(e.node)
        e.node.lane = null
        size = entries.size
        return e.node
    }

    override fun remove(node: TimerNode): Boolean {
        val e = entries.remove(node) ?: return false
        order.remove(e)
        node.lane = null
        size = entries.size
        return true
    }

    override fun drain(): List<TimerNode> {
        val out = order.map { it.node }
        for (n in out) n.lane = null
        order.clear()
        entries.clear()
        size = 0
        return out
    }

    private companion object {
        val MARK = TimerLane(-1L)

        val ORDER = Comparator<Entry> { a, b ->
            when {
                a.deadline != b.deadline -> a.deadline.compareTo(b.deadline)
                a.rank != b.rank -> a.rank.compareTo(b.rank)
                else -> a.seq.compareTo(b.seq)
            }
        }
    }
}

/** Why a test loop's driver stopped; the test module turns it into the error a test sees, with a dump. */
public class VirtualTimeStop(@JvmField public val kind: Kind, message: String) : RuntimeException(message) {
    public enum class Kind {
        /** Nothing is ready, no timer is pending and no outside work is outstanding, yet the awaited task waits. */
        DEADLOCK,

        /** Without auto-advance, the awaited task waits for a timer nobody advanced the clock to. */
        NOT_ADVANCED,

        /** Too many steps at one instant. */
        STEP_BUDGET,

        /** The driving call took longer than its real-time budget. */
        WALL_CLOCK,
    }

    public companion object {
        /** Nanoseconds as a short duration: "1h 2m 3.5s", "250ms", "0s". */
        @JvmStatic
        public fun format(nanos: Long): String = java.time.Duration.ofNanos(nanos).toString().removePrefix("PT").lowercase()
    }
}

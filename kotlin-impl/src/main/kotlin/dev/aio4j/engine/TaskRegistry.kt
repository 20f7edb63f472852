package dev.aio4j.engine

/**
 * The live tasks of one loop: intrusive doubly-linked lists through [TaskCore], so registering a
 * task allocates nothing. A task leaves when it has finished, so a finished task is not retained.
 *
 * With [concurrent] false (a single-threaded loop) every call comes from the loop's thread and no
 * lock is taken; otherwise tasks spread over striped locks.
 */
internal class TaskRegistry(private val concurrent: Boolean) {
    private val stripes: Int = if (concurrent) Integer.highestOneBit(Runtime.getRuntime().availableProcessors() * 4).coerceAtLeast(4) else 1
    private var head: TaskCore? = null // the single-threaded list
    // concurrent: one padded object per stripe, its own lock, so that two workers' stripes never share a cache line
    private val striped: Array<Stripe> = Array(if (concurrent) stripes else 0) { Stripe() }
    private var plainCount = 0

    /** One stripe's lock (its header), list head and count, together at the start of its [Stripe]. */
    private open class StripeData {
        @JvmField var head: TaskCore? = null
        @JvmField var count = 0
    }

    /** A stripe padded to more than a cache line (a subclass's fields come after its superclass's): two workers' stripes never share one. */
    @Suppress("unused")
    private class Stripe : StripeData() {
        @JvmField var q0 = 0L
        @JvmField var q1 = 0L
        @JvmField var q2 = 0L
        @JvmField var q3 = 0L
        @JvmField var q4 = 0L
        @JvmField var q5 = 0L
        @JvmField var q6 = 0L
        @JvmField var q7 = 0L
    }

    fun add(core: TaskCore) {
        if (!concurrent) {
            link(0, core)
            plainCount++
            return
        }
        val s = (Thread.currentThread().id.toInt() * 0x9E3779B9.toInt()).ushr(16) and (stripes - 1)
        val st = striped[s]
        synchronized(st) {
            link(s, core)
            st.count++
        }
    }

    fun remove(core: TaskCore) {
        if (!concurrent) {
            if (unlink(0, core)) plainCount--
            return
        }
        val s = core.regStripe
        if (s < 0) return // not registered (or removed already)
        val st = striped[s]
        synchronized(st) { if (unlink(s, core)) st.count-- }
    }

    fun size(): Int {
        if (!concurrent) return plainCount
        var n = 0
        for (s in 0 until stripes) n += striped[s].let { synchronized(it) { it.count } }
        return n
    }

    fun isEmpty(): Boolean = size() == 0

    fun snapshot(): List<TaskCore> {
        val out = ArrayList<TaskCore>()
        for (s in 0 until stripes) {
            if (concurrent) synchronized(striped[s]) { collect(s, out) } else collect(s, out)
        }
        return out
    }

    /**
     * A snapshot read without the owner's cooperation (a single-threaded loop whose thread is stuck,
     * or a test loop between its driving calls): never throws, never loops forever; may miss tasks
     * that were linked or unlinked meanwhile.
     */
    fun racySnapshot(): List<TaskCore> {
        if (concurrent) return snapshot()
        val out = ArrayList<TaskCore>()
        try {
            var c = head
            val bound = plainCount + 10_000
            while (c != null && out.size < bound) {
                if (c.registered) out.add(c)
                c = c.regNext
            }
        } catch (t: Throwable) {
            // a link changed under us: what was read so far is the snapshot
        }
        out.reverse()
        return out
    }

    private fun collect(s: Int, out: MutableList<TaskCore>) {
        // newest first in the list; report oldest first
        val start = out.size
        var c = headOf(s)
        while (c != null) {
            out.add(c)
            c = c.regNext
        }
        out.subList(start, out.size).reverse()
    }

    private fun headOf(s: Int): TaskCore? = if (concurrent) striped[s].head else head

    private fun setHead(s: Int, c: TaskCore?) {
        if (concurrent) striped[s].head = c else head = c
    }

    private fun link(s: Int, core: TaskCore) {
        val h = headOf(s)
        core.regPrev = null
        core.regNext = h
        if (h != null) h.regPrev = core
        setHead(s, core)
        core.regStripe = s
    }

    private fun unlink(s: Int, core: TaskCore): Boolean {
        if (core.regStripe < 0) return false
        core.regStripe = -1
        val p = core.regPrev
        val n = core.regNext
        if (p == null) setHead(s, n) else p.regNext = n
        if (n != null) n.regPrev = p
        core.regPrev = null
        core.regNext = null
        return true
    }
}

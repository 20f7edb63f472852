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
    private val heads = arrayOfNulls<TaskCore>(stripes)
    private val locks = Array(stripes) { Any() }
    private val counts = IntArray(stripes) // per stripe, under its lock: no shared counter on the hot path
    private var plainCount = 0

    fun add(core: TaskCore) {
        if (!concurrent) {
            link(0, core)
            plainCount++
            return
        }
        val s = (Thread.currentThread().id.toInt() * 0x9E3779B9.toInt()).ushr(16) and (stripes - 1)
        synchronized(locks[s]) {
            link(s, core)
            counts[s]++
        }
    }

    fun remove(core: TaskCore) {
        if (!concurrent) {
            if (unlink(0, core)) plainCount--
            return
        }
        val s = core.regStripe
        if (s < 0) return // not registered (or removed already)
        synchronized(locks[s]) { if (unlink(s, core)) counts[s]-- }
    }

    fun size(): Int {
        if (!concurrent) return plainCount
        var n = 0
        for (s in 0 until stripes) n += synchronized(locks[s]) { counts[s] }
        return n
    }

    fun isEmpty(): Boolean = size() == 0

    fun snapshot(): List<TaskCore> {
        val out = ArrayList<TaskCore>()
        for (s in 0 until stripes) {
            if (concurrent) synchronized(locks[s]) { collect(s, out) } else collect(s, out)
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
            var c = heads[0]
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
        var c = heads[s]
        while (c != null) {
            out.add(c)
            c = c.regNext
        }
        out.subList(start, out.size).reverse()
    }

    private fun link(s: Int, core: TaskCore) {
        val h = heads[s]
        core.regPrev = null
        core.regNext = h
        if (h != null) h.regPrev = core
        heads[s] = core
        core.regStripe = s
    }

    private fun unlink(s: Int, core: TaskCore): Boolean {
        if (core.regStripe < 0) return false
        core.regStripe = -1
        val p = core.regPrev
        val n = core.regNext
        if (p == null) heads[s] = n else p.regNext = n
        if (n != null) n.regPrev = p
        core.regPrev = null
        core.regNext = null
        return true
    }
}

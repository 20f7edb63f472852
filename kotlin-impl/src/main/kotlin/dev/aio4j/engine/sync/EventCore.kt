package dev.aio4j.engine.sync

import dev.aio4j.engine.LoopCore
import java.util.concurrent.CompletableFuture

/**
 * The engine of `AsyncEvent`: a flag that waiters wait to see set. [set] detaches every waiter at
 * once, so each one woken completes even if [clear] follows immediately.
 */
public class EventCore {
    @Volatile
    private var flag: Boolean = false

    private val waiters = WaitList()

    /** True while the flag is set. */
    public val isSet: Boolean get() = flag

    /** Sets the flag and wakes every waiter (each on its own loop). */
    public fun set() {
        if (flag) return
        val chain: Waiter<*>?
        synchronized(this) {
            if (flag) return
            flag = true
            chain = waiters.detachAll()
        }
        WaitList.dispatchChain(chain)
    }

    /** Clears the flag; waiters already woken are not affected. */
    public fun clear() {
        flag = false
    }

    /** [Ready.VOID] if the flag is set, else a waiter that completes at the next [set]. */
    public fun await(): CompletableFuture<Void?> {
        if (flag) return Ready.VOID
        synchronized(this) {
            if (flag) return Ready.VOID
            val w = EventWaiter(this, LoopCore.current())
            waiters.add(w)
            return w
        }
    }

    internal fun unlink(w: Waiter<*>) {
        synchronized(this) { waiters.remove(w) }
    }

    /** Number of waiters (withdrawn ones leave at once). */
    public fun waiterCount(): Int = synchronized(this) { waiters.size }

    override fun toString(): String {
        val n = waiterCount()
        return "AsyncEvent[${if (flag) "set" else "unset"}, waiters=$n]"
    }
}

internal class EventWaiter(private val owner: EventCore, loop: LoopCore?) : Waiter<Void?>(loop) {
    override fun awaitedDescription(): String = owner.toString()

    override val what: String get() = "AsyncEvent.await()"

    override fun refused() {} // nothing was consumed

    override fun unlink() {
        owner.unlink(this)
    }
}

package dev.aio4j.engine

/**
 * `sleep(d, value)`: completes with the value after the delay; a zero delay yields once to every
 * ready task. The core is as small as a task core gets (a pending sleep is the commonest task):
 * the delay waits in the timer's [deadline] field until it is scheduled, and the value in the
 * awaiting slot (a sleep awaits nothing).
 */
public class SleepCore(loop: LoopCore, nanos: Long, value: Any?) : TaskCore(loop) {
    init {
        deadline = nanos
        setAwaiting(value)
    }

    override val startsInline: Boolean get() = true

    /**
     * A zero-delay sleep on a production loop is a yield: one step, no registry entry, no timer, no
     * lock. Debug and test loops list it like any task (their dumps and leak reports name it).
     */
    override val registers: Boolean get() = deadline > 0L || loop.debug != null || loop.virtual != null

    override fun awaiting(): Any? = null

    override fun start() {
        val nanos = deadline
        if (nanos <= 0L) loop.postYield(this) else loop.schedule(this, nanos)
    }

    override fun onTimer() {
        if (completeWith(awaitingSlot())) finish()
    }

    override fun onCancelled() {
        loop.unschedule(this)
        finish()
    }
}

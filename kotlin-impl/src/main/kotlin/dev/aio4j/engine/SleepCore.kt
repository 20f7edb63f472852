package dev.aio4j.engine

/** `sleep(d, value)`: completes with the value after the delay; a zero delay yields once to every ready task. */
public class SleepCore(loop: LoopCore, private val nanos: Long, private val value: Any?) : TaskCore(loop) {
    override val startsInline: Boolean get() = true

    override fun start() {
        if (nanos <= 0L) loop.postYield(this) else loop.schedule(this, nanos)
    }

    override fun onTimer() {
        if (completeWith(value)) finish()
    }

    override fun onCancelled() {
        loop.unschedule(this)
        finish()
    }
}

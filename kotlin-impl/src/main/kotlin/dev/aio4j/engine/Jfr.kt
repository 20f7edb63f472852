package dev.aio4j.engine

/**
 * Where the engine's JFR events go. The events themselves ([dev.aio4j.engine.jfr.JfrEvents]) are
 * loaded by name only when the `jdk.jfr` module is in the boot layer; otherwise [SINK] is a no-op and
 * no class of `jdk.jfr` is ever touched. This interface names no JFR type.
 */
public interface JfrSink {
    /** A task failed or was cancelled (`dev.aio4j.TaskFailed` / `dev.aio4j.TaskCancelled`). */
    public fun taskEnded(core: TaskCore, error: Throwable) {}

    /** True if `dev.aio4j.SlowStep` is recorded now (checked once per batch of steps). */
    public fun slowStepEnabled(): Boolean = false

    /** Starts timing one step; returns a token for [endStep], or null. */
    public fun beginStep(): Any? = null

    /** Ends the step [token] began: committed if it took longer than the event's threshold. */
    public fun endStep(token: Any?, loop: LoopCore, step: Runnable?) {}

    /** A timeout fired (`dev.aio4j.TimeoutFired`): [helper] is `waitFor`, `timeout`, ... */
    public fun timeoutFired(helper: String, task: String, timeoutNanos: Long) {}

    /** A wait of [kind] (0 lock, 1 semaphore, 2 queue) begins: the begun event when JFR records that kind, else null. */
    public fun beginWait(kind: Int): Any? = null

    /** The wait [token] began has ended ([waiter] is being delivered): committed if longer than the event's threshold. */
    public fun endWait(token: Any, waiter: dev.aio4j.engine.sync.Waiter<*>) {}
}

/** The sink: JFR's when the `jdk.jfr` module is present, else a no-op. */
public object Jfr {
    private object Off : JfrSink

    @JvmField
    public val SINK: JfrSink = load()

    /** True when events go to JFR (the `jdk.jfr` module is present). */
    @JvmStatic
    public val isAvailable: Boolean get() = SINK !== Off

    private fun load(): JfrSink {
        if (java.lang.Boolean.getBoolean("aio4j.jfr.disabled")) return Off
        return try {
            if (!ModuleLayer.boot().findModule("jdk.jfr").isPresent) return Off
            Class.forName("dev.aio4j.engine.jfr.JfrEvents").getDeclaredConstructor().newInstance() as JfrSink
        } catch (t: Throwable) {
            Off
        }
    }

    /** Describes the step [r] for an event or a report: `Task[fetch-users]` and where it was created, or what the runnable is. */
    @JvmStatic
    public fun describeStep(r: Runnable?): String = when (r) {
        null -> "a step"
        is TaskCore -> TaskCode.taskName(r) + (r.debugRecord()?.createdAtSuffix() ?: "")
        is Delivery -> describeStep(r.target)
        is CancelPropagation -> describeStep(r.core)
        is CallbackHandle -> r.toString()
        else -> r.javaClass.name.let { n -> if (n.startsWith("dev.aio4j.")) r.toString() else "callback $n" }
    }
}

package dev.aio4j.engine

/** A `callSoon` / `callLater` callback that can be cancelled until it runs. */
public class CallbackHandle(private val loop: LoopCore, private val callback: Runnable) : TimerNode() {
    @Volatile
    private var cancelled = false

    /** The context of the code that scheduled the callback (installed around it), or null. */
    private val context: ContextSnapshot? = Contexts.capture(loop)

    override fun onTimer() {
        if (cancelled) return
        try {
            Contexts.runWith(context, callback)
        } catch (t: Throwable) {
            loop.reportError("exception in callback $callback", t)
        }
    }

    /** Keeps the callback from running if it has not yet; removes its timer. */
    public fun cancel() {
        if (cancelled) return
        cancelled = true
        loop.unschedule(this)
    }

    public val isCancelled: Boolean get() = cancelled

    override fun toString(): String = "Handle[$callback${if (cancelled) ", cancelled" else ""}]"
}

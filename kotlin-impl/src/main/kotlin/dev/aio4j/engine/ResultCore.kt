package dev.aio4j.engine

/** A task completed from outside by the engine (the outputs of `asCompleted`). Cancelling it is local. */
public class ResultCore(loop: LoopCore) : TaskCore(loop) {
    override val startsInline: Boolean get() = true

    override fun start() {}

    /** Completes with the given outcome and finishes. */
    public fun settle(value: Any?, error: Throwable?) {
        if (error == null) completeWith(value) else failWith(error)
        finish()
    }
}

package dev.aio4j.engine

import java.util.concurrent.CompletionStage

/** `shield`: completes as the stage does; cancelling it stops listening and leaves the stage alone. */
public class ShieldCore(loop: LoopCore, private val stage: CompletionStage<*>) : TaskCore(loop) {
    override val startsInline: Boolean get() = true

    override fun start() {
        setAwaiting(stage)
        listenTo(stage, 0)
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        setAwaiting(null)
        if (error == null) completeWith(value) else failWith(error)
        finish()
    }

    override fun onCancelled() {
        stopListening(stage)
        finish()
    }
}

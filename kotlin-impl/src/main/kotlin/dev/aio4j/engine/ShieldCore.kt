package dev.aio4j.engine

import java.util.concurrent.CompletionStage

/** `shield`: completes as the stage does; cancelling it stops listening and leaves the stage alone. */
public class ShieldCore(loop: LoopCore, private val stage: CompletionStage<*>) : TaskCore(loop) {
    @Volatile
    private var relay: ForeignRelay? = null

    override val startsInline: Boolean get() = true

    override fun start() {
        setAwaiting(stage)
        val r = listenWithdrawably(stage, 0)
        relay = r
        // cancelled while it began to listen (another worker may have run onCancelled without the relay)
        if (isDone) stopListening(stage, r)
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        setAwaiting(null)
        if (error == null) completeWith(value) else failWith(error)
        finish()
    }

    override fun onCancelled() {
        stopListening(stage, relay)
        finish()
    }
}

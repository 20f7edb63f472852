package dev.aio4j.engine

import java.util.concurrent.Callable
import java.util.concurrent.CompletionStage

/**
 * A task that runs a body on its loop and then awaits the stage the body returned: the task
 * completes as that stage does. Cancelling it cancels that stage (which, if it is a task, cancels
 * what that task awaits in turn).
 */
public open class BodyCore(loop: LoopCore, body: Callable<out CompletionStage<*>?>?) : TaskCore(loop) {
    init {
        setAwaiting(body) // the body waits in the awaiting slot until it runs (one field less per task)
    }

    /** Nothing before the body has run (the slot holds the body then). */
    override fun awaiting(): Any? = if (state == NEW) null else super.awaiting()

    override fun start() {
        @Suppress("UNCHECKED_CAST")
        val body = awaitingSlot() as Callable<out CompletionStage<*>?>
        setAwaiting(null)
        val stage = runBody(body) ?: return
        awaitStage(stage)
    }

    /** Runs [fn] as this task's code; null if it failed (the task is then failed and finished). */
    protected fun runBody(fn: Callable<out CompletionStage<*>?>): CompletionStage<*>? =
        runTaskCode(this, fn, "its call()", { fn.call() }) { e ->
            failWith(e)
            finish()
        }

    /**
     * Suspends this task on [stage] (tag 0). A cancellation that arrived meanwhile is passed on to
     * it. If [withdrawable], listens so that it can stop: returns the relay for [stopListening].
     */
    protected fun awaitStage(stage: CompletionStage<*>, withdrawable: Boolean = false): ForeignRelay? {
        setAwaiting(stage)
        var relay: ForeignRelay? = null
        if (withdrawable) relay = listenWithdrawably(stage, 0) else listenTo(stage, 0)
        if (host!!.isDone && !isFinished) cancelStage(stage, null)
        return relay
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        setAwaiting(null)
        if (error == null) completeWith(value) else failWith(error)
        finish()
    }

    override fun onCancelled() {
        val s = awaiting()
        if (s != null) cancelStage(s, null)
    }
}

package dev.aio4j.engine

import java.util.concurrent.Callable
import java.util.concurrent.CompletionStage

/**
 * `repeatWhile(step)`: runs [step] as this task's code, awaits the stage it returned, and runs it
 * again while that stage yields `true`; completes (with null) when it yields `false`, fails as soon
 * as a step fails. Each iteration runs on this task's loop; an iteration whose stage is already
 * complete continues inline up to the loop's delivery depth, then through the loop, so the stack
 * never grows with the iteration count. Cancelling cancels the iteration in progress.
 */
public class RepeatCore(loop: LoopCore, private val step: Callable<out CompletionStage<*>?>) : BodyCore(loop, null) {
    override fun start() {
        next()
    }

    private fun next() {
        val stage = runBody(step) ?: return
        awaitStage(stage)
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        setAwaiting(null)
        when {
            error != null -> {
                failWith(error)
                finish()
            }
            isDone -> finish() // cancelled between two iterations
            value == true -> next()
            value == false -> {
                completeWith(null)
                finish()
            }
            else -> {
                failWith(NullPointerException("the step of repeatWhile completed with null: complete it with true to go on or false to stop"))
                finish()
            }
        }
    }
}

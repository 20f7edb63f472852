package dev.aio4j.engine

/**
 * A task whose work ends off its loop (on another thread, or in a coroutine): the work has ended
 * there, and [finishOnLoop] marks the task finished on the loop.
 */
public abstract class OffLoopCore(loop: LoopCore) : TaskCore(loop) {
    /** Marks the task finished on its loop: at once on a loop thread if [inlineOnLoop], else posted. */
    internal fun finishOnLoop(inlineOnLoop: Boolean) {
        if (inlineOnLoop && loop.isLoopThread()) finish() else loop.post(Finisher(this))
    }

    private class Finisher(private val core: OffLoopCore) : Runnable {
        override fun run() {
            core.finish()
        }
    }
}

package dev.aio4j.engine.sync

import dev.aio4j.engine.BodyCore
import dev.aio4j.engine.LoopCore
import dev.aio4j.engine.Outcomes
import dev.aio4j.engine.runTaskCode
import java.util.concurrent.Callable
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage

/**
 * `withLock` / `withPermit`: a task that acquires [guard], runs the body as its code, awaits the
 * stage the body returned, and releases the guard on every path, before the task completes.
 *
 * Cancelled while waiting for the guard: the waiter is withdrawn (a lock or permit handed to it
 * at that moment is passed on), nothing is released. Cancelled while the body's stage runs: that
 * stage is cancelled, and the guard is released when it has completed.
 */
public class GuardedCore(
    loop: LoopCore,
    private val guard: Guard,
    private val body: Callable<out CompletionStage<*>?>,
) : BodyCore(loop, null) {
    override fun start() {
        val a = guard.acquire()
        if (a.isDone) {
            onAcquired()
            return
        }
        setAwaiting(a)
        listenTo(a, ACQUIRE)
        if (host!!.isDone && !isFinished) cancelStage(a, null)
    }

    private fun onAcquired() {
        if (host!!.isDone) { // cancelled as the guard arrived: give it back unused
            guard.release()
            finish()
            return
        }
        val stage = runTaskCode(this, body, "its call()", { body.call() }) { failAfterRelease(it) } ?: return
        awaitStage(stage)
    }

    /** The body failed to start: release first, so that whoever sees the task fail finds the guard free. */
    private fun failAfterRelease(t: Throwable) {
        guard.release()
        failWith(Outcomes.unwrap(t))
        finish()
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        if (tag == ACQUIRE) {
            setAwaiting(null)
            if (error != null) { // withdrawn: nothing was acquired
                failWith(error)
                finish()
            } else {
                onAcquired()
            }
            return
        }
        guard.release()
        super.onChildDone(tag, value, error)
    }

    private companion object {
        const val ACQUIRE = 1
    }
}


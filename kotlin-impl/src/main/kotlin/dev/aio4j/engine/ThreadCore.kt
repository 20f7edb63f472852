package dev.aio4j.engine

import java.util.concurrent.Callable
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executor
import java.util.concurrent.FutureTask
import java.util.concurrent.RejectedExecutionException

/**
 * `toThread` / `runInExecutor`: runs a blocking callable on [executor]; completes with its result
 * on the loop. Cancelling interrupts the thread running it (or keeps it from starting); the task
 * finishes when the callable has returned.
 */
public class ThreadCore(loop: LoopCore, private val executor: Executor, callable: Callable<out Any?>) : OffLoopCore(loop) {
    private val work = Work(callable)

    override val startsInline: Boolean get() = true

    override fun start() {
        setAwaiting(work)
        val vt = loop.virtual
        vt?.beginJob() // a test loop's clock waits for the job (it takes real time, and no virtual time)
        try {
            executor.execute(work)
        } catch (e: RejectedExecutionException) {
            vt?.endJob()
            failWith(e)
            finish()
        }
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        if (error == null) completeWith(value) else failWith(error)
    }

    override fun onCancelled() {
        work.cancel(true)
        if (!work.started) finish()
    }

    @Suppress("UNCHECKED_CAST")
    private inner class Work(callable: Callable<out Any?>) : FutureTask<Any?>(callable as Callable<Any?>) {
        @Volatile
        var started = false

        override fun run() {
            started = true
            try {
                // the context of the code that called toThread (captured when the task was made), around the callable
                val ctx = Contexts.of(side)
                if (ctx == null) super.run() else Contexts.runWith(ctx) { super.run() }
            } finally {
                finishOnLoop(false)
                loop.virtual?.endJob()
            }
        }

        override fun done() {
            if (isCancelled) return
            try {
                onStageDone(0, get(), null)
            } catch (e: ExecutionException) {
                onStageDone(0, null, Outcomes.unwrap(e))
            } catch (e: Throwable) {
                onStageDone(0, null, e)
            }
        }

        override fun toString(): String = "thread work"
    }
}

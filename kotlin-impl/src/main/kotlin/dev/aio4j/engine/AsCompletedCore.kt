package dev.aio4j.engine

import java.util.concurrent.CompletionStage
import java.util.concurrent.TimeoutException

/**
 * `asCompleted`: the i-th output completes with the i-th outcome to arrive; when the timeout
 * passes, the outputs still open fail with `TimeoutException`. This coordinator is a hidden task
 * (its host is a plain future) so that a closing loop cancels it too.
 */
public class AsCompletedCore(
    loop: LoopCore,
    private val stages: Array<CompletionStage<*>>,
    private val outputs: Array<ResultCore>,
    private val timeoutNanos: Long,
    private val timeoutText: String,
) : TaskCore(loop) {
    private var filled = 0

    override val startsInline: Boolean get() = true

    override fun start() {
        if (stages.isEmpty()) {
            completeWith(null)
            finish()
            return
        }
        if (timeoutNanos >= 0L) loop.schedule(this, timeoutNanos)
        for (i in stages.indices) listenTo(stages[i], i)
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        val out: ResultCore
        val last: Boolean
        synchronized(this) {
            if (filled == outputs.size) return
            out = outputs[filled++]
            last = filled == outputs.size
        }
        out.settle(value, error)
        if (last) {
            loop.unschedule(this)
            completeWith(null)
            finish()
        }
    }

    override fun onTimer() {
        val from: Int
        synchronized(this) {
            from = filled
            filled = outputs.size
        }
        for (k in from until outputs.size) out(k).settle(null, TimeoutException("as_completed timed out after $timeoutText"))
        for (s in stages) stopListening(s)
        completeWith(null)
        finish()
    }

    private fun out(k: Int) = outputs[k]

    override fun onCancelled() {
        val from: Int
        synchronized(this) {
            from = filled
            filled = outputs.size
        }
        loop.unschedule(this)
        for (k in from until outputs.size) outputs[k].cancel("asCompleted was cancelled")
        for (s in stages) stopListening(s)
        finish()
    }
}

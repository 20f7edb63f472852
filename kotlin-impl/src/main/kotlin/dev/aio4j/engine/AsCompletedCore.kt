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
    override val isTimeout: Boolean get() = true

    // guarded by this; filled == outputs.size once it is over (every output filled, timed out, or cancelled)
    private var filled = 0
    private var relays: Array<ForeignRelay?>? = null // by index, for the foreign stages listened to

    override val startsInline: Boolean get() = true

    override fun start() {
        if (stages.isEmpty()) {
            completeWith(null)
            finish()
            return
        }
        // listen first, then arm the timer: a timer that fired first would stop listening before the listeners exist
        val rs = arrayOfNulls<ForeignRelay>(stages.size)
        synchronized(this) { relays = rs }
        for (i in stages.indices) {
            val r = listenWithdrawably(stages[i], i)
            val over: Boolean
            synchronized(this) {
                rs[i] = r
                over = filled == outputs.size
            }
            // over meanwhile (timed out, cancelled, or filled by stages already done): whoever ended it may have missed this one
            if (over) stopListening(stages[i], r)
        }
        if (timeoutNanos >= 0L) {
            loop.schedule(this, timeoutNanos)
            if (synchronized(this) { filled == outputs.size }) loop.unschedule(this) // over before the timer existed
        }
    }

    /** Stops listening to every stage (once it is over; a stage that already delivered is unaffected). */
    private fun stopListeningAll() {
        val rs = synchronized(this) { relays }
        for (i in stages.indices) stopListening(stages[i], rs?.get(i))
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
        stopListeningAll()
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
        stopListeningAll()
        finish()
    }
}

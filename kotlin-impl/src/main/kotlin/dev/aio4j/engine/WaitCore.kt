package dev.aio4j.engine

import java.util.concurrent.CancellationException
import java.util.concurrent.CompletionStage
import java.util.function.Function

/**
 * asyncio's `wait`: completes with the done flags (mapped by [finisher]) when [mode] is met or the
 * timeout passes; raises nothing and cancels nothing. Stops listening to what is still pending.
 */
public class WaitCore(
    loop: LoopCore,
    private val stages: Array<CompletionStage<*>>,
    private val mode: WaitMode,
    private val timeoutNanos: Long,
    private val finisher: Function<BooleanArray, Any?>,
) : TaskCore(loop) {
    override val isTimeout: Boolean get() = true

    private val done = BooleanArray(stages.size)
    private var doneCount = 0
    private var settled = false
    private var relays: Array<ForeignRelay?>? = null // by index, for the foreign stages listened to

    override val startsInline: Boolean get() = true

    override fun start() {
        var satisfied = false
        synchronized(this) {
            for (i in stages.indices) {
                if (isStageDone(stages[i])) {
                    done[i] = true
                    doneCount++
                    if (meets(errorOfDone(stages[i]))) satisfied = true
                }
            }
        }
        if (satisfied || doneCount == stages.size) {
            settle()
            return
        }
        val rs = arrayOfNulls<ForeignRelay>(stages.size)
        synchronized(this) { relays = rs }
        for (i in stages.indices) {
            if (done[i]) continue
            val r = listenWithdrawably(stages[i], i)
            val over: Boolean
            synchronized(this) {
                rs[i] = r
                over = settled
            }
            // settled meanwhile (a stage completed on another thread): cleanup() may have missed this one
            if (over) stopListening(stages[i], r)
        }
        if (timeoutNanos == 0L) {
            onTimer()
        } else if (timeoutNanos > 0L) {
            loop.schedule(this, timeoutNanos)
            if (synchronized(this) { settled }) loop.unschedule(this) // settled before the timer existed
        }
    }

    private fun meets(error: Throwable?): Boolean = when (mode) {
        WaitMode.FIRST_COMPLETED -> true
        WaitMode.FIRST_EXCEPTION -> error != null && error !is CancellationException
        WaitMode.ALL_COMPLETED -> false
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        val now: Boolean
        synchronized(this) {
            if (settled || done[tag]) return
            done[tag] = true
            doneCount++
            now = meets(error) || doneCount == stages.size
        }
        if (now) settle()
    }

    override fun onTimer() {
        settle()
    }

    private fun settle() {
        val flags: BooleanArray
        synchronized(this) {
            if (settled) return
            settled = true
            flags = done.clone()
        }
        cleanup(flags)
        completeWith(finisher.apply(flags))
        finish()
    }

    private fun cleanup(flags: BooleanArray) {
        if (timeoutNanos > 0L) loop.unschedule(this)
        val rs = synchronized(this) { relays?.clone() }
        for (i in stages.indices) if (!flags[i]) stopListening(stages[i], rs?.get(i))
    }

    override fun onCancelled() {
        val flags: BooleanArray
        synchronized(this) {
            settled = true
            flags = done.clone()
        }
        cleanup(flags)
        finish()
    }
}

/** When a [WaitCore] completes (asyncio's `return_when`); the public `ReturnWhen` maps onto it. */
public enum class WaitMode {
    /** As soon as any stage is done. */
    FIRST_COMPLETED,

    /** As soon as any stage fails (a cancellation is not a failure), else when all are done. */
    FIRST_EXCEPTION,

    /** When every stage is done. */
    ALL_COMPLETED,
}

package dev.aio4j.engine

import java.time.Duration
import java.util.concurrent.Callable
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletionStage
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicBoolean

/**
 * `waitFor` / `timeout`: completes as the stage does, or, when the deadline passes first, cancels
 * the stage and fails with `TimeoutException`. A stage that completed by the deadline wins even
 * if its notification is still on its way; the timer is withdrawn on every other path.
 */
public class WaitForCore private constructor(
    loop: LoopCore,
    private val given: CompletionStage<*>?,
    private val body: Callable<out CompletionStage<*>?>?,
    private val timeoutNanos: Long,
    private val timeout: Duration,
) : BodyCore(loop, null) {
    override val isTimeout: Boolean get() = true

    /** The stage awaited, once this task listens to it (null before: the timer then leaves the timeout to start()). */
    @Volatile
    private var stage: CompletionStage<*>? = null

    /** [stage]'s relay if it is a foreign stage; written before [stage], so whoever reads [stage] sees it. */
    private var relay: ForeignRelay? = null

    @Volatile
    private var fired = false

    @Volatile
    private var timingOut = false

    /** On a multi-threaded loop start() and the timer can both reach the timeout: one of them handles it. */
    private val timeoutClaimed = AtomicBoolean()

    override val startsInline: Boolean get() = body == null

    override fun start() {
        if (timeoutNanos > 0L) loop.schedule(this, timeoutNanos)
        val s = if (body != null) runBody(body) else given
        if (s == null) {
            loop.unschedule(this)
            return
        }
        relay = awaitStage(s, withdrawable = true)
        stage = s
        if (isDone && !isStageDone(s)) { // cancelled meanwhile (awaitStage passed it on) and the stage refused
            giveUp(s)
            return
        }
        if ((timeoutNanos == 0L || fired) && !isDone) onTimer()
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        loop.unschedule(this)
        if (timingOut && error is CancellationException) { // the cancellation we caused
            failWith(timedOut())
            setAwaiting(null)
            finish()
            return
        }
        super.onChildDone(tag, value, error)
    }

    override fun onTimer() {
        fired = true
        if (isDone) return
        val s = stage ?: return // the body is still running (multi-threaded loop): start() times out when it returns
        if (!timeoutClaimed.compareAndSet(false, true)) return // the other caller is timing out (or took the outcome)
        if (isStageDone(s)) { // it made the deadline; its notification is on the way
            takeOutcome(s)
            return
        }
        timingOut = true
        if (cancelStage(s, "timed out after $timeout") && isStageDone(s)) { // its cancellation comes back to onChildDone
            failWith(timedOut())
        } else if (isStageDone(s)) { // completed while we cancelled: its outcome wins
            takeOutcome(s)
        } else { // a stage that cannot be cancelled: give up waiting for it
            failWith(timedOut())
            giveUp(s)
        }
    }

    /** Stops waiting for [s], which refused to be cancelled; its callback no longer leads here. */
    private fun giveUp(s: CompletionStage<*>) {
        stopListening(s, relay)
        setAwaiting(null)
        finish()
    }

    private fun takeOutcome(s: CompletionStage<*>) {
        val e = errorOfDone(s)
        if (e == null) completeWith(valueOfDone(s)) else failWith(e)
    }

    override fun onCancelled() {
        loop.unschedule(this)
        super.onCancelled() // cancels the stage
        val s = stage
        if (s != null && !isStageDone(s)) giveUp(s) // it refused: do not stay on it
    }

    /**
     * Built only when a timeout happens (most waitFors never time out); says what timed out: the
     * awaited stage for `waitFor`, this task for `timeout(d, body)`.
     */
    private fun timedOut(): TimeoutException {
        val what = if (body != null) TaskCode.taskName(this) else TaskCode.describeStage(given!!)
        Jfr.SINK.timeoutFired(if (body != null) "timeout" else "waitFor", what, timeoutNanos)
        return TimeoutException("$what timed out after $timeout")
    }

    public companion object {
        /** `waitFor(stage, timeout)`. */
        @JvmStatic
        public fun forStage(loop: LoopCore, stage: CompletionStage<*>, timeout: Duration): WaitForCore =
            WaitForCore(loop, stage, null, Delays.toNanos(timeout), timeout)

        /** `timeout(d, body)`: the body runs as this task's code. */
        @JvmStatic
        public fun forBody(loop: LoopCore, body: Callable<out CompletionStage<*>?>, timeout: Duration): WaitForCore =
            WaitForCore(loop, null, body, Delays.toNanos(timeout), timeout)
    }
}

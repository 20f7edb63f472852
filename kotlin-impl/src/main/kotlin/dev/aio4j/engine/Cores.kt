package dev.aio4j.engine

import java.time.Duration
import java.util.Collections
import java.util.concurrent.Callable
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletionStage
import java.util.concurrent.Executor
import java.util.concurrent.ExecutionException
import java.util.concurrent.FutureTask
import java.util.concurrent.RejectedExecutionException
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicBoolean
import java.util.function.BiFunction
import java.util.function.Function

/**
 * A task that runs a body on its loop and then awaits the stage the body returned: the task
 * completes as that stage does. Cancelling it cancels that stage (which, if it is a task, cancels
 * what that task awaits in turn).
 */
public open class BodyCore(loop: LoopCore, private val body: Callable<out CompletionStage<*>?>?) : TaskCore(loop) {
    override fun start() {
        val stage = runBody(body!!) ?: return
        awaitStage(stage)
    }

    /** Runs [fn] as this task's code (current task set); null if it failed (the task is then failed and finished). */
    protected fun runBody(fn: Callable<out CompletionStage<*>?>): CompletionStage<*>? {
        val prev = loop.currentTask()
        loop.setCurrentTask(this)
        val stage: CompletionStage<*>?
        try {
            stage = fn.call()
        } catch (t: Throwable) {
            failWith(Outcomes.unwrap(t))
            finish()
            return null
        } finally {
            loop.setCurrentTask(prev)
        }
        if (stage == null) {
            failWith(NullPointerException("the task's call() returned null instead of a CompletionStage"))
            finish()
        }
        return stage
    }

    /** Suspends this task on [stage] (tag 0). A cancellation that arrived meanwhile is passed on to it. */
    protected fun awaitStage(stage: CompletionStage<*>) {
        setAwaiting(stage)
        listenTo(stage, 0)
        if (host!!.isDone && !isFinished) cancelStage(stage, null)
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

/** `sleep(d, value)`: completes with the value after the delay; a zero delay yields once to every ready task. */
public class SleepCore(loop: LoopCore, private val nanos: Long, private val value: Any?) : TaskCore(loop) {
    override val startsInline: Boolean get() = true

    override fun start() {
        if (nanos <= 0L) loop.postYield(this) else loop.schedule(this, nanos)
    }

    override fun onTimer() {
        if (completeWith(value)) finish()
    }

    override fun onCancelled() {
        loop.unschedule(this)
        finish()
    }
}

/** A task completed from outside by the engine (the outputs of `asCompleted`). Cancelling it is local. */
public class ResultCore(loop: LoopCore) : TaskCore(loop) {
    override val startsInline: Boolean get() = true

    override fun start() {}

    /** Completes with the given outcome and finishes. */
    public fun settle(value: Any?, error: Throwable?) {
        if (error == null) completeWith(value) else failWith(error)
        finish()
    }
}

/**
 * `gather`: completes with every child's value in argument order; the first failure fails it
 * (the others keep running); cancelling it cancels every child. With a [settler], every outcome
 * is mapped (value, error) -> element and it never fails on a child's account.
 */
public class GatherCore(
    loop: LoopCore,
    private val children: Array<CompletionStage<*>>,
    private val settler: BiFunction<Any?, Throwable?, Any?>?,
) : TaskCore(loop) {
    private val results = arrayOfNulls<Any?>(children.size)
    private var remaining = children.size

    override val startsInline: Boolean get() = true

    override fun start() {
        if (children.isEmpty()) {
            completeWith(Collections.emptyList<Any?>())
            finish()
            return
        }
        for (i in children.indices) listenTo(children[i], i)
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        val last: Boolean
        synchronized(this) {
            results[tag] = if (settler != null) settler.apply(value, error) else value
            last = --remaining == 0
        }
        if (error != null && settler == null) {
            // a child's cancellation fails the gather (as asyncio's), it does not cancel it
            if (failWith(if (error is CancellationException) java.util.concurrent.CompletionException(error) else error)) {
                finish() // done: the children left running are tasks of their own (or foreign futures)
            }
        }
        if (last) {
            completeWith(Collections.unmodifiableList(results.asList()))
            finish()
        }
    }

    override fun onCancelled() {
        for (c in children) cancelStage(c, null)
        finish()
    }
}

/**
 * asyncio's `wait`: completes with the done flags (mapped by [finisher]) when [mode] is met or the
 * timeout passes; raises nothing and cancels nothing. Stops listening to what is still pending.
 */
public class WaitCore(
    loop: LoopCore,
    private val stages: Array<CompletionStage<*>>,
    private val mode: Int,
    private val timeoutNanos: Long,
    private val finisher: Function<BooleanArray, Any?>,
) : TaskCore(loop) {
    private val done = BooleanArray(stages.size)
    private var doneCount = 0
    private var settled = false

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
        for (i in stages.indices) if (!done[i]) listenTo(stages[i], i)
        if (timeoutNanos == 0L) onTimer() else if (timeoutNanos > 0L) loop.schedule(this, timeoutNanos)
    }

    private fun meets(error: Throwable?): Boolean = when (mode) {
        FIRST_COMPLETED -> true
        FIRST_EXCEPTION -> error != null && error !is CancellationException
        else -> false
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
        for (i in stages.indices) if (!flags[i]) stopListening(stages[i])
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

    public companion object {
        public const val FIRST_COMPLETED: Int = 0
        public const val FIRST_EXCEPTION: Int = 1
        public const val ALL_COMPLETED: Int = 2
    }
}

/**
 * `waitFor` / `timeout`: completes as the stage does, or, when the deadline passes first, cancels
 * the stage and fails with `TimeoutException`. A stage that completed by the deadline wins even
 * if its notification is still on its way; the timer is withdrawn on every other path.
 */
public class WaitForCore private constructor(
    loop: LoopCore,
    @Volatile private var stage: CompletionStage<*>?,
    private val body: Callable<out CompletionStage<*>?>?,
    private val timeoutNanos: Long,
    private val timeout: Duration,
) : BodyCore(loop, null) {
    @Volatile
    private var fired = false

    @Volatile
    private var timingOut = false

    /** On a multi-threaded loop start() and the timer can both reach the timeout: one of them handles it. */
    private val timeoutClaimed = AtomicBoolean()

    override val startsInline: Boolean get() = body == null

    override fun start() {
        if (timeoutNanos > 0L) loop.schedule(this, timeoutNanos)
        val s = if (body != null) runBody(body) else stage
        if (s == null) {
            loop.unschedule(this)
            return
        }
        stage = s
        awaitStage(s)
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
        if (cancelStage(s, "timed out after $timeout")) {
            failWith(timedOut())
        } else if (isStageDone(s)) { // completed while we cancelled: its outcome wins
            takeOutcome(s)
        } else { // a stage that cannot be cancelled: give up waiting for it
            failWith(timedOut())
            stopListening(s)
            setAwaiting(null)
            finish()
        }
    }

    private fun takeOutcome(s: CompletionStage<*>) {
        val e = errorOfDone(s)
        if (e == null) completeWith(valueOfDone(s)) else failWith(e)
    }

    override fun onCancelled() {
        loop.unschedule(this)
        super.onCancelled()
    }

    /** Built only when a timeout happens (most waitFors never time out). */
    private fun timedOut(): TimeoutException = TimeoutException("timed out after $timeout")

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

/** `shield`: completes as the stage does; cancelling it stops listening and leaves the stage alone. */
public class ShieldCore(loop: LoopCore, private val stage: CompletionStage<*>) : TaskCore(loop) {
    override val startsInline: Boolean get() = true

    override fun start() {
        setAwaiting(stage)
        listenTo(stage, 0)
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        setAwaiting(null)
        if (error == null) completeWith(value) else failWith(error)
        finish()
    }

    override fun onCancelled() {
        stopListening(stage)
        finish()
    }
}

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

/**
 * `toThread` / `runInExecutor`: runs a blocking callable on [executor]; completes with its result
 * on the loop. Cancelling interrupts the thread running it (or keeps it from starting); the task
 * finishes when the callable has returned.
 */
public class ThreadCore(loop: LoopCore, private val executor: Executor, callable: Callable<out Any?>) : TaskCore(loop) {
    private val work = Work(callable)

    override val startsInline: Boolean get() = true

    override fun start() {
        setAwaiting(work)
        try {
            executor.execute(work)
        } catch (e: RejectedExecutionException) {
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
                super.run()
            } finally {
                loop.post(Finisher())
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

    private inner class Finisher : Runnable {
        override fun run() {
            finish()
        }
    }
}

/** A `callSoon` / `callLater` callback that can be cancelled until it runs. */
public class CallbackHandle(private val loop: LoopCore, private val callback: Runnable) : TimerNode() {
    @Volatile
    private var cancelled = false

    override fun onTimer() {
        if (cancelled) return
        try {
            callback.run()
        } catch (t: Throwable) {
            loop.reportError("exception in callback $callback", t)
        }
    }

    /** Keeps the callback from running if it has not yet; removes its timer. */
    public fun cancel() {
        if (cancelled) return
        cancelled = true
        loop.unschedule(this)
    }

    public val isCancelled: Boolean get() = cancelled

    override fun toString(): String = "Handle[$callback${if (cancelled) ", cancelled" else ""}]"
}

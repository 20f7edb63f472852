package dev.aio4j.engine

import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.ThreadContextElement
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.launch
import java.util.concurrent.CancellationException
import java.util.concurrent.TimeoutException
import java.util.function.Function
import kotlin.coroutines.Continuation
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.intrinsics.suspendCoroutineUninterceptedOrReturn

/**
 * `fromSuspend`: runs a Kotlin `suspend fun` (reached through [call], which passes the continuation
 * it is given to the function) in a kotlinx coroutine on this task's loop, named after the task.
 *
 * The continuation handed to [call] is the coroutine's own, exactly as compiled Kotlin code passes
 * it to a callee: the function may return its value at once or return `COROUTINE_SUSPENDED` and
 * resume the continuation later; both work. Its value completes the task; what it throws fails the
 * task as thrown (a kotlinx `TimeoutCancellationException` becomes a `TimeoutException` failure,
 * another `CancellationException` cancels the task). Cancelling the task cancels the coroutine,
 * and the task finishes when the coroutine has ended.
 */
public class SuspendCore(loop: LoopCore, private val call: Function<Continuation<Any?>, Any?>) : OffLoopCore(loop) {
    /** The coroutine's `CoroutineName`: the task's name, set by the Java side before [launch]. */
    @JvmField
    public var coroutineName: String = "aio4j"

    @Volatile
    private var job: Job? = null

    @OptIn(DelicateCoroutinesApi::class)
    override fun start() {
        setAwaiting(AWAITING)
        val context = loop.dispatcher + CoroutineName(coroutineName) + CurrentTaskElement(this)
        val j = GlobalScope.launch(context, CoroutineStart.UNDISPATCHED) { runCall() }
        job = j
        if (isDone) j.cancel() // cancelled while starting, from another worker of the shared loop
    }

    private suspend fun runCall() {
        try {
            val value = suspendCoroutineUninterceptedOrReturn<Any?> { c -> call.apply(c) }
            completeWith(value)
        } catch (t: Throwable) {
            failWith(asTaskFailure(t))
        } finally {
            setAwaiting(null)
            finishOnLoop(true)
        }
    }

    override fun onCancelled() {
        job?.cancel() // null: start() has not stored it yet and cancels it itself
    }

    public companion object {
        private val AWAITING = object {
            override fun toString(): String = "coroutine"
        }

        /** What the task fails with when the suspend function throws [t]. */
        @JvmStatic
        internal fun asTaskFailure(t: Throwable): Throwable = when {
            t is TimeoutCancellationException -> TimeoutException(t.message).also { it.initCause(t) }
            t is CancellationException && t.javaClass != CancellationException::class.java ->
                CancellationException(t.message).also { it.initCause(t) }
            else -> t
        }
    }
}

/**
 * Makes `Async.currentTask()` answer inside a coroutine aio4j started: the task is current on its
 * loop's thread while the coroutine runs there.
 */
internal class CurrentTaskElement(private val core: TaskCore) : ThreadContextElement<Any?> {
    override val key: CoroutineContext.Key<*> get() = Key

    override fun updateThreadContext(context: CoroutineContext): Any? {
        val loop = core.loop
        // on the loop's own dispatcher only: a withContext(Dispatchers.IO) block runs on the shared loop's
        // threads too, but it is not loop code
        if (!loop.isLoopThread() || context[ContinuationInterceptor] !== loop.dispatcher) return NOT_SET
        val prev = loop.currentTask()
        loop.setCurrentTask(core)
        val ctx = Contexts.of(core.side) ?: return prev
        return StepState(prev, ctx, Contexts.install(ctx)) // the coroutine's step runs with its task's context
    }

    override fun restoreThreadContext(context: CoroutineContext, oldState: Any?) {
        if (oldState === NOT_SET) return
        if (oldState is StepState) {
            try {
                core.afterStep(oldState.ctx, oldState.prev)
            } finally {
                core.loop.setCurrentTask(oldState.task)
            }
            return
        }
        core.loop.setCurrentTask(oldState as TaskCore?)
    }

    private class StepState(@JvmField val task: TaskCore?, @JvmField val ctx: ContextSnapshot, @JvmField val prev: Array<Any?>)

    companion object Key : CoroutineContext.Key<CurrentTaskElement> {
        private val NOT_SET = Any()
    }
}

package dev.aio4j.engine

import kotlinx.coroutines.CoroutineDispatcher
import java.util.concurrent.Executor
import java.util.function.BiConsumer

/**
 * The engine side of a `dev.aio4j.Loop`: where task code runs, where timers fire, and which tasks
 * are alive. Internal API: signatures use JDK types only and the engine trusts its inputs (the
 * public API checks them).
 *
 * Two kinds exist: [EventLoopCore], one thread that runs everything in FIFO order (asyncio's
 * event loop), and [SharedLoopCore], the process-wide loop on `Dispatchers.Default`.
 */
public abstract class LoopCore internal constructor(
    /** A name for thread names, diagnostics and `toString()`. */
    @JvmField public val name: String,
) : Executor {
    /** The public `dev.aio4j.Loop` that fronts this core (set once by the Java side). */
    @Volatile
    @JvmField
    public var facade: Any? = null

    @Volatile
    private var handler: BiConsumer<String, Throwable>? = null

    /** The virtual clock of a test loop; null on every production loop (whose clock is `System.nanoTime()`). */
    @JvmField
    internal var virtual: VirtualTime? = null

    /** Nesting depth of already-complete compositions on a single-threaded loop's own thread (only that thread touches it). */
    @JvmField
    internal var composeDepth: Int = 0

    internal abstract val registry: TaskRegistry

    /** The kotlinx dispatcher that runs coroutines on this loop (with its own timers where it has them). */
    public abstract val dispatcher: CoroutineDispatcher

    /** True on a thread that runs this loop's code. */
    public abstract fun isLoopThread(): Boolean

    /** True on a loop with a single thread: task code never runs in parallel. */
    public abstract val isSingleThreaded: Boolean

    /**
     * Runs [r] on the loop soon, in FIFO order with other posted work. Internal work is accepted
     * while the loop is closing; once it has stopped, work is dropped (everything that could
     * need it has been cancelled and has finished by then).
     */
    public abstract fun post(r: Runnable)

    /** Like [post], but behind every task that is ready now: what `sleep(0)` uses to yield. */
    public abstract fun postYield(r: Runnable)

    /** Runs [node] ([TimerNode.onTimer]) on this loop after [delayNanos] (clamped); any thread. */
    public abstract fun schedule(node: TimerNode, delayNanos: Long)

    /** Withdraws [node] if it has not fired; any thread. A node that already fired is unaffected. */
    public abstract fun unschedule(node: TimerNode)

    /** Registers [core] as live and starts it on this loop (inline when it may, else posted). */
    internal abstract fun launch(core: TaskCore)

    /** Runs [target]'s child-done callback on this loop: inline when already on it (bounded depth), else posted. */
    internal abstract fun deliver(target: TaskCore, tag: Int, value: Any?, error: Throwable?)

    /** The task whose body is running on the calling thread, or null. */
    public abstract fun currentTask(): TaskCore?

    internal abstract fun setCurrentTask(core: TaskCore?)

    /** True once [close] began (or, for a driven loop, once its main ended): new user work is refused. */
    public abstract val isClosed: Boolean

    /** Cancels every pending task, waits until they have finished, stops the loop. Idempotent. */
    public abstract fun close()

    /** Monotonic time in nanoseconds: `System.nanoTime()`, or a test loop's virtual time (from 0). */
    public fun time(): Long {
        val v = virtual
        return if (v == null) System.nanoTime() else v.now
    }

    /** True on a test loop, whose clock is virtual. */
    public val isVirtual: Boolean get() = virtual != null

    /**
     * A task of this loop failed and nobody has looked at it yet: a test loop keeps it, to report it
     * at close if that is still so; a production loop does nothing (the garbage collector's report
     * does it there).
     */
    public fun noteFailure(f: LoopFuture<*>) {
        virtual?.noteFailure(f)
    }

    /** [Executor] view: same as [post], but refused with `IllegalStateException` once the loop is closed. */
    override fun execute(command: Runnable) {
        checkOpen()
        post(UserRunnable(this, command))
    }

    /** Throws `IllegalStateException("loop is closed")` if new work is refused. */
    public fun checkOpen() {
        if (isClosed) throw IllegalStateException("loop is closed")
    }

    /** The virtual clock of a test loop, or null. */
    public fun virtualTime(): VirtualTime? = virtual

    /** Tasks of this loop that have not finished (pending, or done with their work still ending), in creation order where the loop keeps one. */
    public fun liveTasks(): List<TaskCore> = registry.snapshot()

    /** Tasks of this loop that have not completed, in creation order where the loop keeps one. */
    public fun pendingTasks(): List<TaskCore> = registry.snapshot().filter { !it.isDone }

    /** Sets the handler for failures nobody observed; null restores logging through `System.Logger`. */
    public fun setExceptionHandler(h: BiConsumer<String, Throwable>?) {
        handler = h
    }

    /** Reports a failure nobody can observe any more: to the handler if set, else to `System.Logger`. */
    public fun reportError(message: String, error: Throwable) {
        val h = handler
        if (h != null) {
            try {
                h.accept(message, error)
                return
            } catch (t: Throwable) {
                LOGGER.log(System.Logger.Level.ERROR, "exception handler of loop $name failed", t)
            }
        }
        LOGGER.log(System.Logger.Level.ERROR, "$message (loop $name)", error)
    }

    override fun toString(): String = "Loop[$name${if (isClosed) ", closed" else ""}]"

    /**
     * Posted work that must not be dropped when its loop has stopped (a lock, permit or queue item
     * handed to a waiter of that loop): a stopped loop runs it on the thread that posted it, or that
     * drains the loop, instead.
     */
    public interface Undroppable : Runnable

    public companion object {
        internal val LOGGER: System.Logger = System.getLogger("dev.aio4j")
        internal const val MAX_INLINE_DEPTH = 64

        /** The loop whose thread is the calling thread, or null. */
        @JvmStatic
        public fun current(): LoopCore? = EventLoopCore.currentOnThread() ?: SharedLoopCore.currentOnThread()

        /** The current loop, or the shared one when the caller is not on a loop thread. */
        @JvmStatic
        public fun currentOrShared(): LoopCore {
            // the hot path: no need to ask whether a worker runs loop code
            val l = EventLoopCore.currentOnThread() ?: return SharedLoopCore.INSTANCE
            if (l.virtual != null && !l.driving) throw EventLoopCore.idleDriverMisuse(l)
            return l
        }
    }
}

/** A user's Runnable on a loop: a throw goes to the loop's exception handler, never kills the loop. */
internal class UserRunnable(private val loop: LoopCore, private val r: Runnable) : Runnable {
    override fun run() {
        try {
            r.run()
        } catch (t: Throwable) {
            loop.reportError("exception in callback $r", t)
        }
    }
}

/** A child-done notification that had to travel to another thread (or break a deep chain). */
internal class Delivery(
    private val target: TaskCore,
    private val tag: Int,
    private val value: Any?,
    private val error: Throwable?,
) : Runnable {
    override fun run() {
        target.onChildDoneGuarded(tag, value, error)
    }
}

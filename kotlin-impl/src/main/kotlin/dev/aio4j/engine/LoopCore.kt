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
    /** Debug mode's settings, or null (the normal case: then a step costs one null check more). */
    @JvmField public val debug: DebugSettings? = null,
    /** Context hooks of this loop only (besides the process-wide ones), or null. */
    @JvmField public val contextHooks: Array<ContextHook>? = null,
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

    /** Steps run so far, where the loop counts them (a single-threaded loop: always; the shared loop: in debug mode). */
    public open fun stepsTotal(): Long = 0L

    /** Steps that took longer than the debug mode's threshold. */
    @Volatile
    @JvmField
    public var slowSteps: Long = 0L

    /** Work ready to run now (a snapshot, read from any thread); -1 where unknown. */
    public open fun readyQueueLength(): Int = -1

    /** Live tasks now (a snapshot; racy but safe from any thread). */
    public fun liveTaskCount(): Int = registry.size()

    /** Timers pending (a snapshot, read from any thread); -1 where unknown. */
    public open fun timerCount(): Int = -1

    /**
     * The live tasks, read from any thread: a single-threaded loop lists them on its own thread
     * (waiting up to [waitMillis]); a loop that does not answer in time (its thread is stuck in one
     * step) is read without its help, which is safe but may miss tasks created or finished meanwhile.
     */
    public open fun liveTasksFromAnyThread(waitMillis: Long): List<TaskCore> = liveTasks()

    /** Debug mode: [core] was created; returns its side record, or the context snapshot alone, or null. */
    internal fun sideFor(ctx: ContextSnapshot?): Any? {
        val d = debug ?: return ctx
        return TaskDebug(time(), if (d.creationSites) CreationSites.capture() else null, ctx)
    }

    /**
     * A resource was left open: a lock held by a task that finished, a stream iterator nobody
     * closed. Reported once at WARNING, through the exception handler if set (its throwable's
     * stack is where the resource was created, when known).
     */
    public fun reportLeftOpen(what: String, createdAt: Array<StackTraceElement>?) {
        val t = SlowStepTrace("$what${CreationSites.suffix(createdAt)}")
        if (createdAt != null) t.stackTrace = createdAt
        reportWarning("Resource left open: $what${CreationSites.suffix(createdAt)} (loop $name)", t)
    }

    /** A warning (a slow step, a resource left open): to the exception handler if set, else `System.Logger` at WARNING. */
    public fun reportWarning(message: String, trace: Throwable) {
        val h = handler
        if (h != null) {
            try {
                h.accept(message, trace)
                return
            } catch (t: Throwable) {
                LOGGER.log(System.Logger.Level.ERROR, "exception handler of loop $name failed", t)
            }
        }
        LOGGER.log(System.Logger.Level.WARNING, message, trace)
    }

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

        private val ALL: MutableSet<LoopCore> = java.util.concurrent.ConcurrentHashMap.newKeySet()

        /** Every loop that runs now (the shared loop once used), for `Async.dumpTasks()` and the JFR statistics. */
        @JvmStatic
        public fun allLoops(): List<LoopCore> = ArrayList(ALL)

        internal fun opened(l: LoopCore) {
            ALL.add(l)
        }

        internal fun ended(l: LoopCore) {
            ALL.remove(l)
        }
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
    private val context: ContextSnapshot? = Contexts.capture(loop)

    override fun run() {
        try {
            Contexts.runWith(context, r)
        } catch (t: Throwable) {
            loop.reportError("exception in callback $r", t)
        }
    }
}

/** A child-done notification that had to travel to another thread (or break a deep chain). */
internal class Delivery(
    @JvmField val target: TaskCore,
    private val tag: Int,
    private val value: Any?,
    private val error: Throwable?,
) : Runnable {
    override fun run() {
        target.onChildDoneGuarded(tag, value, error)
    }
}

package dev.aio4j.engine

import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import java.util.concurrent.CompletionStage
import java.util.concurrent.ExecutionException
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater
import java.util.function.BiConsumer

/** Receives the outcome of a stage it listens to; [tag] says which one. Called on whatever thread completed it. */
public interface StageListener {
    public fun onStageDone(tag: Int, value: Any?, error: Throwable?)
}

/** Outcome helpers: reading a completed future without throwing on the fast path, unwrapping once. */
public object Outcomes {
    /**
     * Strips the wrappers that futures add: `CompletionException`, `ExecutionException`, and the
     * fresh `CancellationException` that `join`/`get` of a cancelled future throw since JDK 23
     * (its cause is the cancellation the future holds, with the user's message).
     */
    @JvmStatic
    public fun unwrap(t: Throwable): Throwable {
        var e = t
        while (true) {
            val cause = e.cause ?: return e
            e = when {
                e is CompletionException || e is ExecutionException -> cause
                e is CancellationException && cause is CancellationException -> cause
                else -> return e
            }
        }
    }

    /** The failure of a completed [f] (unwrapped), or null if it completed normally. */
    @JvmStatic
    public fun errorOf(f: CompletableFuture<*>): Throwable? {
        if (!f.isCompletedExceptionally) return null
        return try {
            f.join()
            null
        } catch (e: CancellationException) {
            unwrap(e)
        } catch (e: CompletionException) {
            unwrap(e)
        }
    }

    /** The value of a [f] that completed normally. */
    @JvmStatic
    public fun valueOf(f: CompletableFuture<*>): Any? = f.getNow(null)
}

/** Adapts `whenComplete` of a foreign stage to a tagged [StageListener] call. */
internal class ChildCallback(private val listener: StageListener, private val tag: Int) : BiConsumer<Any?, Throwable?> {
    override fun accept(v: Any?, e: Throwable?) {
        listener.onStageDone(tag, if (e == null) v else null, e?.let { Outcomes.unwrap(it) })
    }
}

/** Two or more listeners of one task; never changed once published (an add or a remove publishes a copy). */
private class ListenerList(@JvmField val listeners: Array<StageListener?>, @JvmField val tags: IntArray) {
    val size: Int get() = listeners.size

    fun plus(l: StageListener, tag: Int): ListenerList {
        val n = listeners.size
        val ls = listeners.copyOf(n + 1)
        val ts = tags.copyOf(n + 1)
        ls[n] = l
        ts[n] = tag
        return ListenerList(ls, ts)
    }

    /** This list without [l]'s first registration; this list itself if [l] is not in it. */
    fun minus(l: StageListener): ListenerList {
        val i = listeners.indexOfFirst { it === l }
        if (i < 0) return this
        val n = listeners.size
        val ls = arrayOfNulls<StageListener>(n - 1)
        val ts = IntArray(n - 1)
        var j = 0
        for (k in 0 until n) {
            if (k == i) continue
            ls[j] = listeners[k]
            ts[j] = tags[k]
            j++
        }
        return ListenerList(ls, ts)
    }
}

private val DONE_MARKER = Any()

/**
 * The engine side of one task: its lifecycle on a loop, what it awaits, who listens to it.
 *
 * A task is *done* when its public future (the [host]) is complete, and *finished* when its work
 * has ended too: a task cancelled while awaiting is done at once, finished when the awaited stage
 * has reacted on the loop. Loops wait for finished before they stop.
 *
 * Every child-done callback ([onChildDone]), [onCancelled] and [onTimer] runs on the task's loop.
 */
public abstract class TaskCore(@JvmField public val loop: LoopCore) : TimerNode(), StageListener, BiConsumer<Any?, Throwable?>, SelfMarking {
    /** The public future this core completes (a `Task`, or a hidden future); set once, by its constructor, before [launch]. */
    @JvmField
    public var host: LoopFuture<Any?>? = null

    @Volatile
    @JvmField
    internal var state: Int = NEW

    @Volatile
    private var awaitingStage: Any? = null

    // null | StageListener (its tag in listenerTag) | ListenerList | DONE_MARKER. Changed by CAS; adding and
    // removing also hold this core's lock (so listenerTag is written by one adder at a time), completing does not
    @Volatile
    private var listeners: Any? = null
    private var listenerTag: Int = 0 // written only while listeners is null, under the lock, before the CAS that publishes the listener

    @JvmField internal var regPrev: TaskCore? = null
    @JvmField internal var regNext: TaskCore? = null
    /** The registry stripe the task is linked in, or -1 while it is not registered (one int for both: the task stays its size). */
    @JvmField internal var regStripe: Int = -1

    /** True while the task is in its loop's registry. */
    internal val registered: Boolean get() = regStripe >= 0

    /**
     * The optional per-task data, in one field: null (the normal case), the [ContextSnapshot] the
     * task's steps run with (when a context propagator is registered), or a [TaskDebug] record on a
     * debug loop (which holds the snapshot then). Written by the task's own steps.
     */
    @JvmField internal var side: Any? = Contexts.capture(loop).let { if (loop.debug == null) it else loop.sideFor(it) }

    /** The task's debug record (creation time and site) on a debug loop, else null. */
    public fun debugRecord(): TaskDebug? = side as? TaskDebug

    /** True once the public future is complete. */
    public val isDone: Boolean get() = host!!.isDone

    /** True once the task is done and its work has ended. */
    public val isFinished: Boolean get() = state == FINISHED

    /** The stage the task is suspended on, or null (for `toString()`). */
    public open fun awaiting(): Any? = awaitingStage

    /**
     * The raw awaiting slot. A core that never awaits, or has not begun to, may keep one value of
     * its own there instead (a sleep's value, a body not yet run): one field less per task; such a
     * core overrides [awaiting] to hide it.
     */
    protected fun awaitingSlot(): Any? = awaitingStage

    /** Starts this task on its loop (any thread). */
    public fun launch() {
        loop.launch(this)
    }

    /**
     * False for a task that lives for one step of its loop and is not listed among its live tasks
     * (a zero-delay sleep on a production loop): it costs no registry entry. A loop that stops with
     * it still queued cancels it.
     */
    internal open val registers: Boolean get() = true

    /** Combinators with nothing to run may start on the launching thread (they touch loop state only through thread-safe calls). */
    internal open val startsInline: Boolean get() = false

    override fun run() {
        val l = loop
        if (l is SharedLoopCore) l.runMarked(this) else runStep()
    }

    /** Starts the task, or fires its timer: one step, run by [run] on the loop. */
    override fun runStep() {
        step { if (state == NEW) startNow() else onTimer() }
    }

    /** Fires this task's timer as one of its steps (with its context installed). */
    internal fun fireTimer() {
        step { onTimer() }
    }

    /**
     * Runs [block] as one step of this task: with its context installed when it has one (then the
     * changes the step made are kept for the task's next steps, and the thread gets back what it
     * had, on every exit path). Without a context: one null check.
     */
    private inline fun step(block: () -> Unit) {
        val sd = side
        if (sd == null) {
            block()
            return
        }
        val ctx = Contexts.of(sd)
        if (ctx == null) {
            block()
            return
        }
        val prev = Contexts.install(ctx)
        try {
            block()
        } finally {
            afterStep(ctx, prev)
        }
    }

    internal fun afterStep(ctx: ContextSnapshot, prev: Array<Any?>) {
        try {
            val now = Contexts.recapture(ctx)
            if (now !== ctx) {
                val sd = side
                if (sd is TaskDebug) sd.ctx = now else side = now
            }
        } finally {
            Contexts.restore(ctx, prev)
        }
    }

    internal fun startNow() {
        state = RUNNING
        if (host!!.isDone) { // cancelled before it started
            finish()
            return
        }
        if (loop.isClosed) { // started after its loop began to close: never runs
            failWith(CancellationException("loop is closed"))
            finish()
            return
        }
        try {
            start()
        } catch (t: Throwable) {
            failWith(Outcomes.unwrap(t))
            finish()
        }
    }

    /** Begins the task's work on its loop. */
    protected abstract fun start()

    /** A stage this task listens to completed (tag says which); runs on the loop. */
    protected open fun onChildDone(tag: Int, value: Any?, error: Throwable?) {}

    /** Runs on the loop after the task was cancelled while running: cancel what it awaits, then finish (now or when that reacts). */
    protected open fun onCancelled() {
        finish()
    }

    override fun onTimer() {}

    internal fun onChildDoneGuarded(tag: Int, value: Any?, error: Throwable?) {
        step { onChildDoneUnguarded(tag, value, error) }
    }

    private fun onChildDoneUnguarded(tag: Int, value: Any?, error: Throwable?) {
        try {
            onChildDone(tag, value, error)
        } catch (t: Throwable) {
            if (!failWith(t)) loop.reportError("exception in task callback", t)
            finish()
        }
    }

    internal fun onCancelledGuarded() {
        step { onCancelledUnguarded() }
    }

    private fun onCancelledUnguarded() {
        try {
            onCancelled()
        } catch (t: Throwable) {
            loop.reportError("exception while cancelling a task", t)
            finish()
        }
    }

    // ---------------------------------------------------------------- completion

    /** Completes the task with [value]; false if it was already done. Listeners hear of it at once. */
    public fun completeWith(value: Any?): Boolean {
        if (!host!!.completeInternal(value)) return false
        notifyListeners(value, null)
        return true
    }

    /** Fails the task with [error] (a `CancellationException` makes it cancelled); false if it was already done. */
    public fun failWith(error: Throwable): Boolean {
        if (!host!!.failInternal(error)) return false
        Jfr.SINK.taskEnded(this, error)
        notifyListeners(null, error)
        return true
    }

    /**
     * Cancels the task: done at once, with a `CancellationException` carrying [message]; its work
     * (what it awaits, its children, its timers) is cancelled on its loop. False if already done.
     */
    public fun cancel(message: String?): Boolean {
        if (!failWith(CancellationException(message))) return false
        if (state == RUNNING) loop.post(CancelPropagation(this))
        return true
    }

    /** Marks the task finished and lets its loop forget it (its own code, or a loop that stopped with it queued). Idempotent. */
    internal fun finish() {
        if (state == FINISHED) return
        state = FINISHED
        loop.registry.remove(this)
        val sd = side
        if (sd is TaskDebug) reportHeld(sd)
        onFinished()
    }

    /** Debug mode: the task finished while holding a lock (or another resource it took): report each, once. */
    private fun reportHeld(d: TaskDebug) {
        for (r in d.heldNow()) {
            loop.reportLeftOpen("${TaskCode.taskName(this)} finished while holding $r", d.site)
        }
    }

    /** Runs right after [finish] marked the task finished (on the thread that finished it, normally its loop). */
    protected open fun onFinished() {}

    // ---------------------------------------------------------------- listeners

    /** Calls [l] with [tag] when this task is done (at once, on this thread, if it already is). */
    public fun addListener(l: StageListener, tag: Int) {
        synchronized(this) {
            while (true) {
                val ls = listeners
                if (ls === DONE_MARKER) break
                val next: Any = when (ls) {
                    null -> {
                        listenerTag = tag // only adders write it, one at a time, and only while nobody is registered
                        l
                    }
                    is ListenerList -> ls.plus(l, tag)
                    else -> ListenerList(arrayOf(ls as StageListener, l), intArrayOf(listenerTag, tag))
                }
                if (LISTENERS.compareAndSet(this, ls, next)) return
                // lost to the completion (the only change made without the lock): call at once
            }
        }
        val h = host!!
        val e = Outcomes.errorOf(h)
        l.onStageDone(tag, if (e == null) Outcomes.valueOf(h) else null, e)
    }

    /** Withdraws [l]; true if it was registered and not yet called. */
    public fun removeListener(l: StageListener): Boolean {
        synchronized(this) {
            while (true) {
                val ls = listeners
                val next: Any?
                if (ls === l) {
                    next = null
                } else if (ls is ListenerList) {
                    val left = ls.minus(l)
                    if (left === ls) return false
                    if (left.size == 1) {
                        listenerTag = left.tags[0] // before the CAS that publishes the listener alone
                        next = left.listeners[0]
                    } else {
                        next = left
                    }
                } else {
                    return false // not registered, or already called
                }
                if (LISTENERS.compareAndSet(this, ls, next)) return true
            }
        }
    }

    private fun notifyListeners(value: Any?, raw: Throwable?) {
        val ls = LISTENERS.getAndSet(this, DONE_MARKER) // no lock: a task completes once
        if (ls == null) return
        val error = if (raw == null) null else Outcomes.unwrap(raw)
        when (ls) {
            is ListenerList -> for (i in 0 until ls.size) callListener(ls.listeners[i]!!, ls.tags[i], value, error)
            else -> callListener(ls as StageListener, listenerTag, value, error)
        }
    }

    private fun callListener(l: StageListener, tag: Int, value: Any?, error: Throwable?) {
        try {
            l.onStageDone(tag, value, error)
        } catch (t: Throwable) {
            loop.reportError("exception in a task listener", t)
        }
    }

    /** As a listener of a child: hop onto this task's loop. */
    override fun onStageDone(tag: Int, value: Any?, error: Throwable?) {
        loop.deliver(this, tag, value, error)
    }

    /** As a `whenComplete` callback of a foreign stage (tag 0). */
    override fun accept(v: Any?, e: Throwable?) {
        onStageDone(0, if (e == null) v else null, e?.let { Outcomes.unwrap(it) })
    }

    // ---------------------------------------------------------------- awaiting stages

    /** Sets the stage reported by [awaiting]. */
    protected fun setAwaiting(stage: Any?) {
        awaitingStage = stage
    }

    /** Listens to [stage] with [tag]: intrusively on a task, by `whenComplete` on anything else. */
    protected fun listenTo(stage: CompletionStage<*>, tag: Int) {
        if (loop.virtual != null) {
            listenWithdrawably(stage, tag)
            return
        }
        val core = coreOf(stage)
        if (core != null) {
            core.addListener(this, tag)
            return
        }
        if (isCompletedFuture(stage)) {
            val e = Outcomes.errorOf(stage as CompletableFuture<*>)
            onStageDone(tag, if (e == null) Outcomes.valueOf(stage) else null, e)
            return
        }
        @Suppress("UNCHECKED_CAST")
        (stage as CompletionStage<Any?>).whenComplete(if (tag == 0) this else ChildCallback(this, tag))
    }

    /**
     * As [listenTo], for a listener that may stop listening before [stage] completes. On a foreign
     * stage the callback is a [ForeignRelay], returned for [stopListening] to clear; null on a task
     * or a stage already done.
     */
    protected fun listenWithdrawably(stage: CompletionStage<*>, tag: Int): ForeignRelay? {
        val vt = loop.virtual
        if (vt != null && VirtualTime.completesElsewhere(stage, loop) && !isStageDone(stage)) {
            // a test loop counts what completes elsewhere, so its clock never jumps ahead of it
            val watch = ExternalWatch(this, tag, vt)
            val other = coreOf(stage)
            @Suppress("UNCHECKED_CAST")
            if (other != null) other.addListener(watch, tag) else (stage as CompletionStage<Any?>).whenComplete(watch)
            return watch
        }
        val core = coreOf(stage)
        if (core != null) {
            core.addListener(this, tag)
            return null
        }
        if (isCompletedFuture(stage)) {
            val e = Outcomes.errorOf(stage as CompletableFuture<*>)
            onStageDone(tag, if (e == null) Outcomes.valueOf(stage) else null, e)
            return null
        }
        val relay = ForeignRelay(this, tag)
        @Suppress("UNCHECKED_CAST")
        (stage as CompletionStage<Any?>).whenComplete(relay)
        return relay
    }

    /** True if [stage] is a `CompletableFuture` already complete (false for a minimal stage, which refuses `isDone`). */
    private fun isCompletedFuture(stage: CompletionStage<*>): Boolean = try {
        stage is CompletableFuture<*> && stage.isDone
    } catch (e: UnsupportedOperationException) {
        false
    }

    /**
     * Stops listening to [stage], which [listenWithdrawably] gave [relay]: a task forgets this
     * listener; a foreign stage keeps only the cleared relay until it completes, nothing that
     * leads back here.
     */
    protected fun stopListening(stage: CompletionStage<*>, relay: ForeignRelay?) {
        if (relay == null) {
            coreOf(stage)?.removeListener(this)
        } else {
            relay.clear()
            if (relay is ExternalWatch) coreOf(stage)?.removeListener(relay)
        }
    }

    /** Gives this core a future nobody is handed (an internal coordinator), then starts it. */
    public fun launchHidden() {
        host = HiddenFuture(this)
        launch()
    }

    public companion object {
        private val LISTENERS: AtomicReferenceFieldUpdater<TaskCore, Any?> =
            AtomicReferenceFieldUpdater.newUpdater(TaskCore::class.java, Any::class.java, "listeners")

        /** The task core behind [stage] if it is a `Task` (which then counts as observed), else null. */
        @JvmStatic
        public fun coreOf(stage: Any?): TaskCore? = (stage as? LoopFuture<*>)?.observedTaskCore()

        /** The core a task's future was made with (its link), without counting as looking at its outcome. */
        @JvmStatic
        public fun linkOf(task: LoopFuture<*>): TaskCore = task.taskCore!!

        internal const val NEW = 0
        internal const val RUNNING = 1
        internal const val FINISHED = 2

        /** Cancels [stage] as aio4j cancels what a task awaits: a task by `cancel`, anything else by `cancel(true)`. True if this call cancelled it. */
        @JvmStatic
        public fun cancelStage(stage: Any?, message: String?): Boolean {
            val core = coreOf(stage)
            if (core != null) return core.cancel(message)
            return try {
                when (stage) {
                    is java.util.concurrent.Future<*> -> stage.cancel(true)
                    is CompletionStage<*> -> stage.toCompletableFuture().cancel(true)
                    else -> false
                }
            } catch (e: UnsupportedOperationException) {
                false
            }
        }

        /** True if [stage] is complete right now. */
        @JvmStatic
        public fun isStageDone(stage: CompletionStage<*>): Boolean {
            val core = coreOf(stage)
            if (core != null) return core.isDone
            return try {
                stage.toCompletableFuture().isDone
            } catch (e: UnsupportedOperationException) {
                false
            }
        }

        /** The failure of a stage that [isStageDone] said is complete (unwrapped), or null. */
        @JvmStatic
        public fun errorOfDone(stage: CompletionStage<*>): Throwable? = Outcomes.errorOf(stage.toCompletableFuture())

        /** The value of a stage that completed normally. */
        @JvmStatic
        public fun valueOfDone(stage: CompletionStage<*>): Any? = stage.toCompletableFuture().getNow(null)
    }
}

/** Runs a task's [TaskCore.onCancelled] on its loop. */
internal class CancelPropagation(@JvmField val core: TaskCore) : Runnable {
    override fun run() {
        core.onCancelledGuarded()
    }
}

/** The future of a core that is never handed out (the coordinator of `asCompleted`). */
private class HiddenFuture(core: TaskCore) : LoopFuture<Any?>(core)

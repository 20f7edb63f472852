package dev.aio4j.engine

import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import java.util.concurrent.CompletionStage
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executor
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater
import java.util.concurrent.TimeUnit
import java.util.function.BiConsumer
import java.util.function.BiFunction
import java.util.function.Function
import java.util.function.Supplier

/**
 * The one future behaviour of aio4j (internal API). Every future aio4j hands out — a `Task`, the
 * waiter of a lock, semaphore, event, condition, barrier or queue, the shared completed future of
 * an uncontended call, and every stage derived from any of them — is a `LoopFuture`, so the rules
 * below are written once, here:
 *
 * - **Read-only.** Only the engine completes it: `complete`, `obtrudeValue`, `obtrudeException`,
 *   `completeAsync` and `completeOnTimeout` throw `UnsupportedOperationException`. `cancel` and
 *   `completeExceptionally` withdraw (a waiter) or cancel (a derived stage's root); a `Task`
 *   refuses `completeExceptionally` and `orTimeout` too.
 * - **Cancellation goes up, then down.** Cancelling a derived stage cancels its root first (so the
 *   chain's own callbacks see the `CancellationException`), then the stage itself, then the inner
 *   stage a composition ([thenCompose] and the other composing methods) is waiting on, and so on
 *   down through any depth. `cancel` returning true means `isCancelled()` is true at once.
 *   `copy()` gives a stage whose cancellation stays local.
 * - **Loops are stack-safe and stay on their loop.** A composition whose source is already
 *   complete runs its function at once, up to a bounded nesting depth per thread; deeper, it
 *   continues on the future's loop, so a recursive `get().thenCompose(work).thenCompose(x -> again())`
 *   never overflows the stack. An inner stage that completes on a thread that is not the loop's
 *   completes the composition on the loop, so the chain's callbacks keep running there.
 * - **No deadlock.** `get()`/`join()` on the thread of the future's own single-threaded loop,
 *   while it is pending, throw `IllegalStateException`.
 * - `defaultExecutor()` is the loop the future belongs to.
 *
 * [loopCore] is that loop (null for a waiter created outside any loop and for the shared
 * completed future, which use the caller's loop or the shared one); [taskCore] is the task core
 * behind a `Task` (the typed link, made at construction, by which the engine finds the task behind
 * a stage: no process-wide hook).
 */
public abstract class LoopFuture<T> protected constructor(
    /** The typed link: the [TaskCore] behind a task, else the [LoopCore] the future belongs to (or null). One field for both. */
    private val link: Any?,
) : CompletableFuture<T>() {
    /** The loop this future belongs to (a task's loop, a waiter's loop), or null. */
    @get:JvmSynthetic
    internal val loopCore: LoopCore?
        get() {
            val l = link
            return if (l is TaskCore) l.loop else if (l is ContextLink) l.loop else l as LoopCore?
        }

    /** The task core behind a `Task`, else null. */
    @get:JvmSynthetic
    internal val taskCore: TaskCore?
        get() = link as? TaskCore

    /** The context captured when the future was made (a waiter, with a context propagator registered), or null. */
    @get:JvmSynthetic
    internal val extraLink: ContextLink?
        get() = link as? ContextLink

    // ---------------------------------------------------------------- engine side

    /** Completes the future normally, bypassing the read-only rule (engine only). */
    @JvmSynthetic
    internal fun completeInternal(value: T): Boolean {
        if (!super.complete(value)) return false
        afterCompletion()
        return true
    }

    /** Completes the future exceptionally (a `CancellationException` cancels it), bypassing the rules (engine only). */
    @JvmSynthetic
    internal fun failInternal(error: Throwable): Boolean {
        if (!super.completeExceptionally(error)) return false
        onFailedByEngine(error)
        afterCompletion()
        return true
    }

    /** Cancels the future, bypassing withdrawal (engine only). */
    @JvmSynthetic
    internal fun cancelInternal(): Boolean {
        if (!super.cancel(false)) return false
        afterCompletion()
        return true
    }

    /** Runs after the engine completed this future in any way, on the completing thread (a waiter calls its listener). */
    @JvmSynthetic
    internal open fun afterCompletion() {}

    /** Replaces a pending-cancellation outcome (engine only). */
    @JvmSynthetic
    internal fun obtrudeInternal(error: Throwable) {
        super.obtrudeException(error)
    }

    /** The task core behind this future, marking the task as observed (a dependent now sees its outcome). */
    @JvmSynthetic
    internal fun observedTaskCore(): TaskCore? {
        val c = taskCore ?: return null
        observed()
        return c
    }

    /** The engine failed this future with [error] (a task registers an unretrieved-failure report here). */
    protected open fun onFailedByEngine(error: Throwable) {}

    /** Someone looked at the outcome (get, join, a dependent stage, an awaiting task). */
    protected open fun observed() {}

    /** The state for `toString()`: pending, cancelled, failed or done. */
    @JvmSynthetic
    internal fun stateWord(): String = when {
        !isDone -> "pending"
        isCancelled -> "cancelled"
        isCompletedExceptionally -> "failed"
        else -> "done"
    }

    /** Whether someone looked at the outcome (a failure is then not "never retrieved"); true by default. */
    protected open fun wasObserved(): Boolean = true

    @JvmSynthetic
    internal fun wasObservedInternal(): Boolean = wasObserved()

    @JvmSynthetic
    internal fun markObservedInternal() {
        observed()
    }

    /** What error messages call this future: `Task[fetch]` for a task; the class name by default. */
    protected open fun label(): String = javaClass.simpleName.ifEmpty { javaClass.name }

    /** [label], for the engine's messages. */
    @JvmSynthetic
    internal fun labelInternal(): String = label()

    /** The sentence of an `UnsupportedOperationException` thrown by a read-only method. */
    protected open fun readOnlyMessage(method: String): String =
        "$method: this future is completed by aio4j only; cancel() gives it up"

    /**
     * Gives this future up as the root of a derived stage that is cancelled ([error] null) or
     * completed exceptionally from outside (`orTimeout`): a task is cancelled, a waiter withdrawn.
     */
    @JvmSynthetic
    internal open fun giveUpAsRoot(error: Throwable?): Boolean {
        val c = taskCore
        if (c != null) return c.cancel(null)
        return if (error == null) cancel(true) else completeExceptionally(error)
    }

    /** True if cancelling this future completes it only later (a condition's wait re-acquiring its lock). */
    @get:JvmSynthetic
    internal open val completesLate: Boolean get() = false

    /** The loop compositions continue on, `*Async` work runs on, and whose thread must not block on this future. */
    @JvmSynthetic
    internal open fun homeLoop(): LoopCore? = loopCore

    // ---------------------------------------------------------------- read-only

    private fun readOnly(method: String): UnsupportedOperationException = UnsupportedOperationException(readOnlyMessage(method))

    /** Not supported: only aio4j completes this future. @throws UnsupportedOperationException always */
    override fun complete(value: T): Boolean = throw readOnly("complete")

    /** Not supported: only aio4j completes this future. @throws UnsupportedOperationException always */
    override fun obtrudeValue(value: T): Unit = throw readOnly("obtrudeValue")

    /** Not supported: only aio4j completes this future. @throws UnsupportedOperationException always */
    override fun obtrudeException(ex: Throwable): Unit = throw readOnly("obtrudeException")

    /** Not supported: only aio4j completes this future. @throws UnsupportedOperationException always */
    override fun completeAsync(supplier: Supplier<out T>, executor: Executor): CompletableFuture<T> = throw readOnly("completeAsync")

    /** Not supported: only aio4j completes this future. @throws UnsupportedOperationException always */
    override fun completeAsync(supplier: Supplier<out T>): CompletableFuture<T> = throw readOnly("completeAsync")

    /** Not supported: use `Async.waitFor`, which cancels what it gave up on. @throws UnsupportedOperationException always */
    override fun completeOnTimeout(value: T, timeout: Long, unit: TimeUnit): CompletableFuture<T> = throw readOnly("completeOnTimeout")

    /**
     * As `CompletableFuture.orTimeout`, timed by the loop this future belongs to (so a test loop's
     * virtual clock times it, and the timeout runs on the loop) rather than by the JDK's delay
     * thread; a future of no loop uses the JDK's. The timeout completes it exceptionally with a
     * `TimeoutException` (a waiter is withdrawn), unless it completed first.
     */
    override fun orTimeout(timeout: Long, unit: TimeUnit): CompletableFuture<T> {
        val loop = loopCore ?: return super.orTimeout(timeout, unit)
        if (!isDone) {
            val t = OrTimeout(this)
            loop.schedule(t, unit.toNanos(timeout))
            super.whenComplete(t) // withdraws the timer once this completes
        }
        return this
    }

    // ---------------------------------------------------------------- blocking, with the deadlock guard

    private fun checkNotOwnLoopThread(method: String) {
        val l = homeLoop() ?: return
        if (!isDone && l.isSingleThreaded && l.isLoopThread()) {
            throw IllegalStateException(
                "$method on $this from its own loop's thread would deadlock: " +
                    "compose with thenApply/thenCompose, or return it from your AsyncCallable to await it",
            )
        }
    }

    @Throws(InterruptedException::class, ExecutionException::class)
    override fun get(): T {
        checkNotOwnLoopThread("get()")
        observed()
        return super.get()
    }

    @Throws(InterruptedException::class, ExecutionException::class, TimeoutException::class)
    override fun get(timeout: Long, unit: TimeUnit): T {
        checkNotOwnLoopThread("get(timeout)")
        observed()
        return super.get(timeout, unit)
    }

    override fun join(): T {
        checkNotOwnLoopThread("join()")
        observed()
        return super.join()
    }

    // ---------------------------------------------------------------- derived stages

    /** The loop this future belongs to (the caller's or the shared loop when it has none). */
    override fun defaultExecutor(): Executor {
        val l = homeLoop() ?: LoopCore.currentOrShared()
        return (l.facade as? Executor) ?: l
    }

    /** The future behind every dependent stage: cancelling it cancels this future's root first. */
    override fun <U> newIncompleteFuture(): CompletableFuture<U> {
        observed()
        return Derived(homeLoop() ?: LoopCore.currentOrShared(), this)
    }

    /** A stage that completes as this one does but whose cancellation stays local (the JDK meaning). */
    override fun copy(): CompletableFuture<T> {
        observed()
        val copy = Derived<T>(homeLoop() ?: LoopCore.currentOrShared(), null)
        super.whenComplete(CopyInto(copy))
        return copy
    }

    // ---------------------------------------------------------------- composition

    override fun <U> thenCompose(fn: Function<in T, out CompletionStage<U>>): CompletableFuture<U> {
        val loop = composeLoop()
        val step = ComposeStep(fn, loop)
        if (!isDone) return step.bind(super.thenCompose(step))
        return step.bind(nested(loop, { super.thenCompose(step) }, { super.thenComposeAsync(step, HopExecutor(loop)) }))
    }

    /**
     * Runs [direct] (a composition whose function runs at once: its source is complete) unless
     * compositions already nest [MAX_COMPOSE_DEPTH] deep on this thread; then [hop] (the function
     * runs on the loop instead), so a recursion through complete stages never overflows the stack.
     * The depth is the loop's own counter on its thread (no thread-local there).
     */
    private inline fun <R> nested(loop: LoopCore, direct: () -> R, hop: () -> R): R {
        if (loop.isSingleThreaded && loop.isLoopThread()) {
            if (loop.composeDepth >= MAX_COMPOSE_DEPTH) return hop()
            loop.composeDepth++
            try {
                return direct()
            } finally {
                loop.composeDepth--
            }
        }
        val depth = ComposeDepth.get()
        if (depth[0] >= MAX_COMPOSE_DEPTH) return hop()
        depth[0]++
        try {
            return direct()
        } finally {
            depth[0]--
        }
    }

    override fun <U> thenComposeAsync(fn: Function<in T, out CompletionStage<U>>): CompletableFuture<U> {
        val step = ComposeStep(fn, composeLoop())
        return step.bind(super.thenComposeAsync(step))
    }

    override fun <U> thenComposeAsync(fn: Function<in T, out CompletionStage<U>>, executor: Executor): CompletableFuture<U> {
        val step = ComposeStep(fn, composeLoop())
        return step.bind(super.thenComposeAsync(step, executor))
    }

    override fun exceptionallyCompose(fn: Function<Throwable, out CompletionStage<T>>): CompletableFuture<T> {
        val loop = composeLoop()
        val step = ComposeStep(fn, loop)
        if (!isDone) return step.bind(super.exceptionallyCompose(step))
        return step.bind(nested(loop, { super.exceptionallyCompose(step) }, { super.exceptionallyComposeAsync(step, HopExecutor(loop)) }))
    }

    override fun exceptionallyComposeAsync(fn: Function<Throwable, out CompletionStage<T>>): CompletableFuture<T> {
        val step = ComposeStep(fn, composeLoop())
        return step.bind(super.exceptionallyComposeAsync(step))
    }

    override fun exceptionallyComposeAsync(fn: Function<Throwable, out CompletionStage<T>>, executor: Executor): CompletableFuture<T> {
        val step = ComposeStep(fn, composeLoop())
        return step.bind(super.exceptionallyComposeAsync(step, executor))
    }

    private fun composeLoop(): LoopCore = homeLoop() ?: LoopCore.currentOrShared()

    // ---------------------------------------------------------------- two sources

    // A stage of two sources waits on the other one too: cancelling it must end it even when this
    // future (its parent) is already done (see Derived.cancelChain).

    override fun <U, V> thenCombine(other: CompletionStage<out U>, fn: BiFunction<in T, in U, out V>): CompletableFuture<V> =
        twoSources(super.thenCombine(other, fn))

    override fun <U, V> thenCombineAsync(other: CompletionStage<out U>, fn: BiFunction<in T, in U, out V>): CompletableFuture<V> =
        twoSources(super.thenCombineAsync(other, fn))

    override fun <U, V> thenCombineAsync(
        other: CompletionStage<out U>,
        fn: BiFunction<in T, in U, out V>,
        executor: Executor,
    ): CompletableFuture<V> = twoSources(super.thenCombineAsync(other, fn, executor))

    override fun <U> thenAcceptBoth(other: CompletionStage<out U>, action: BiConsumer<in T, in U>): CompletableFuture<Void> =
        twoSources(super.thenAcceptBoth(other, action))

    override fun <U> thenAcceptBothAsync(other: CompletionStage<out U>, action: BiConsumer<in T, in U>): CompletableFuture<Void> =
        twoSources(super.thenAcceptBothAsync(other, action))

    override fun <U> thenAcceptBothAsync(
        other: CompletionStage<out U>,
        action: BiConsumer<in T, in U>,
        executor: Executor,
    ): CompletableFuture<Void> = twoSources(super.thenAcceptBothAsync(other, action, executor))

    override fun runAfterBoth(other: CompletionStage<*>, action: Runnable): CompletableFuture<Void> =
        twoSources(super.runAfterBoth(other, action))

    override fun runAfterBothAsync(other: CompletionStage<*>, action: Runnable): CompletableFuture<Void> =
        twoSources(super.runAfterBothAsync(other, action))

    override fun runAfterBothAsync(other: CompletionStage<*>, action: Runnable, executor: Executor): CompletableFuture<Void> =
        twoSources(super.runAfterBothAsync(other, action, executor))
}

/** [stage], just made by the JDK for a stage of two sources, marked as such (see [Derived.markTwoSources]). */
private fun <V> twoSources(stage: CompletableFuture<V>): CompletableFuture<V> {
    (stage as? Derived<*>)?.markTwoSources()
    return stage
}

/** How many already-complete compositions may nest on one thread before one continues on the loop instead. */
private const val MAX_COMPOSE_DEPTH = 32

/** The nesting depth of already-complete compositions running on each thread. */
private val ComposeDepth: ThreadLocal<IntArray> = ThreadLocal.withInitial { IntArray(1) }

/** Completes a local copy as its source completes. */
private class CopyInto<T>(private val copy: Derived<T>) : BiConsumer<T, Throwable?> {
    override fun accept(v: T, e: Throwable?) {
        if (e == null) {
            copy.completeInternal(v)
        } else {
            copy.failInternal(if (e is CancellationException || e is CompletionException) e else CompletionException(e))
        }
    }
}

/** For dumps: what a chain of derived stages is really waiting for. */
public object Chains {
    /**
     * The innermost stage [stage] waits for: following a pending derived stage to the stage its
     * composition awaits, or to its source, until a stage that is not derived (a task, a waiter, a
     * foreign future) or a derived stage that is done. Bounded: never loops forever.
     */
    @JvmStatic
    public fun waitedOn(stage: Any?): Any? {
        var s = stage
        var n = 0
        while (s is Derived<*> && n++ < 100_000) {
            s = s.waitsOn() ?: return s
        }
        return s
    }
}

/**
 * A stage derived from an aio4j future ([parent], the stage it was made from) by `thenApply`,
 * `thenCompose`, `whenComplete`, ...: completed by the JDK's own machinery, cancelled by the rules
 * of [LoopFuture]. [inner] is the stage a composition is currently waiting on (what the function
 * given to `thenCompose` returned).
 *
 * Cancelling walks up the chain to its root (the first stage that is not derived: a task, a
 * waiter) and cancels it first, so every callback in the chain runs with the
 * `CancellationException`; then this stage, and the inner stage of every composition on the way
 * and of this stage — and so on down through nested compositions. Every walk is
 * a loop over a work list, never a recursion, so chains and nestings of any length are safe.
 */
internal class Derived<U>(loop: LoopCore, private val parent: LoopFuture<*>?) : LoopFuture<U>(loop) {
    /**
     * For the result of a composition (`thenCompose`, `exceptionallyCompose`, ...): [COMPOSING]
     * until its function returned, then the stage it returned; [CANCEL_MARK] once a cancellation
     * took that stage (a stage that arrives later is cancelled on arrival). Null for any other
     * derived stage. One field, swapped atomically, so a derived stage stays as small as the JDK's.
     */
    @Volatile
    @JvmField
    var inner: Any? = null

    /** True for the result of a composition, or of two sources: a stage that waits on something besides its parent. */
    private val composing: Boolean get() = inner != null

    override fun readOnlyMessage(method: String): String =
        "$method: a stage derived from ${root() ?: "an aio4j future"} is completed by its chain only; " +
            "cancel() cancels the chain from its root"

    /** The first stage of the chain that is not derived (a task, a waiter), or null. */
    private fun root(): LoopFuture<*>? {
        var p = parent
        while (p is Derived<*>) p = p.parent
        return p
    }

    /** For dumps: the stage this pending stage waits on next (its composition's inner stage, else its parent), or null. */
    internal fun waitsOn(): Any? {
        if (isDone) return null
        val i = inner
        return if (i != null && i !== COMPOSING && i !== CANCEL_MARK && i !== OTHER_SOURCE) i else parent
    }

    /** Marks this stage as one of two sources (`thenCombine`, ...; once the JDK made it, before anyone else sees it). */
    fun markTwoSources() {
        if (!isDone) INNER.lazySet(this, OTHER_SOURCE)
    }

    /** Marks this stage as the result of a composition (once the JDK made it, before anyone else sees it). */
    fun bindAsComposition() {
        // only the binding thread touches [inner] before the slot's CAS or the return hands this stage
        // out (both publish it): an ordered store suffices
        INNER.lazySet(this, COMPOSING)
    }

    /** Records the stage this composition now waits on; cancels it at once if this stage was cancelled first. */
    fun follow(stage: CompletionStage<*>) {
        val prev = INNER.getAndSet(this, stage)
        if (prev === CANCEL_MARK || isCancelled) cancelAll(stage)
    }

    /** For a cancellation: takes the stage this composition waits on (null if none yet), marking it cancelled. */
    private fun takeInner(): Any? {
        if (inner == null) return null // not a composition
        val prev = INNER.getAndSet(this, CANCEL_MARK)
        return if (prev === COMPOSING || prev === CANCEL_MARK || prev === OTHER_SOURCE) null else prev
    }

    /**
     * Cancels the root first, so every callback in the chain (this stage's own included) runs
     * with the `CancellationException`, then the chain down to this stage and everything each
     * composition on the way waits on. The root's cancellation usually reaches a derived stage
     * first as a failure with a `CancellationException` cause; it is then turned into a plain
     * cancellation, so that `isCancelled()` is true whenever this returned true.
     */
    override fun cancel(mayInterruptIfRunning: Boolean): Boolean {
        if (isDone) return false
        val work = ArrayList<Any>(4)
        val mine = cancelChain(null, work)
        drain(work)
        return mine
    }

    /** `orTimeout` and other failures from outside give the chain up the same way, this stage failing with [ex]. */
    override fun completeExceptionally(ex: Throwable): Boolean {
        if (isDone) return false
        val work = ArrayList<Any>(4)
        val mine = cancelChain(ex, work)
        drain(work)
        return mine
    }

    /**
     * Gives up the root (with [error], or cancelling it), then ends this stage; adds to [work] the
     * inner stage of every pending composition on the way down from the root and this stage's own.
     * The stages in between are not completed here: they complete as their chain does (a callback
     * posted with `whenCompleteAsync` still runs). True if this stage ended as asked.
     */
    private fun cancelChain(error: Throwable?, work: ArrayList<Any>): Boolean {
        var compositions: ArrayList<Derived<*>>? = null
        var p = parent
        while (p is Derived<*> && !p.isDone) {
            if (p.composing) (compositions ?: ArrayList<Derived<*>>(2).also { compositions = it }).add(p)
            p = p.parent
        }
        var up = false
        if (p != null && p !is Derived<*> && !p.isDone) {
            up = p.giveUpAsRoot(error)
            // a condition's wait completes once its lock is held again; so does every stage after it
            if (up && p.completesLate) return true
        }
        val cs = compositions
        if (cs != null) {
            // a composition on the way waits only on its inner stage: it ends cancelled now, so the
            // callbacks after it run with the CancellationException before this stage ends
            for (k in cs.indices.reversed()) {
                val d = cs[k]
                d.takeInner()?.let { work.add(it) } // marks it first: a stage that arrives later is cancelled on arrival
                if (d.endHere(null, up)) up = true
            }
        }
        if (!up && inner == null && completingFromAbove()) {
            // Someone else completed (or cancelled) a stage above, and nothing in between waits on
            // anything else: that completion is on its way down to this stage (on the thread that made it,
            // or queued on an executor) and will run this stage's own callback. Ending the stage here would
            // skip that callback (the JDK runs it only for a stage still pending): the cleanup in
            // `work().whenComplete(release)` lost when a cancel races with `work` completing or being
            // cancelled on another thread. Too late to cancel: the stage completes as its source did.
            return false
        }
        val mine = endHere(error, up)
        takeInner()?.let { work.add(it) }
        return mine
    }

    /** True if a stage above is complete and every stage between it and this one is pending without waiting on anything else. */
    private fun completingFromAbove(): Boolean {
        var q = parent
        while (q is Derived<*> && !q.isDone && q.inner == null) q = q.parent
        return q != null && q.isDone
    }

    /** Ends this stage cancelled (or failed with [error]); a cancellation that came down from above counts. */
    private fun endHere(error: Throwable?, upCancelled: Boolean): Boolean {
        if (if (error == null) cancelInternal() else failInternal(error)) return true
        if (upCancelled && error == null) {
            if (isCancelled) return true
            val e = Outcomes.errorOf(this)
            if (e is CancellationException) {
                obtrudeInternal(e)
                return true
            }
        }
        return false
    }

    private companion object {
        private val COMPOSING = Any()
        private val CANCEL_MARK = Any()

        /** [inner] of a stage of two sources (`thenCombine`, ...): it also waits on the other source. */
        private val OTHER_SOURCE = Any()


        @Suppress("UNCHECKED_CAST")
        private val INNER: AtomicReferenceFieldUpdater<Derived<*>, Any?> =
            AtomicReferenceFieldUpdater.newUpdater(Derived::class.java as Class<Derived<*>>, Any::class.java, "inner")

        /** Cancels [first] and, for derived stages, their chains and inner stages, with a work list. */
        fun cancelAll(first: Any) {
            val work = ArrayList<Any>(4)
            work.add(first)
            drain(work)
        }

        fun drain(work: ArrayList<Any>) {
            while (work.isNotEmpty()) {
                val s = work.removeAt(work.size - 1)
                if (s is Derived<*>) {
                    if (!s.isDone) s.cancelChain(null, work)
                } else {
                    TaskCore.cancelStage(s, null)
                }
            }
        }
    }

    override fun toString(): String {
        val r = root()
        return "DerivedFuture[${stateWord()}${if (r != null) ", from $r" else ""}]"
    }
}

/**
 * The function a composition really runs: calls the user's, records the stage it returned in the
 * composition's result (so cancelling the result reaches it), and routes the completion of a stage
 * that may complete on another thread back onto the result's loop.
 *
 * [slot] meets two events that each happen once: [bind] (the result, once the JDK made it) and
 * [apply] (the stage the function returned). Whichever comes first leaves its object there; the
 * second finds it — so the slot needs no type test, and a step costs three fields (24 bytes).
 */
internal class ComposeStep<T, U>(
    private val fn: Function<in T, out CompletionStage<U>>,
    private val loop: LoopCore,
) : Function<T, CompletionStage<U>> {
    @Volatile
    @JvmField
    var slot: Any? = null

    override fun apply(x: T): CompletionStage<U> {
        val g = fn.apply(x) ?: throw NullPointerException("the function given to thenCompose returned null instead of a CompletionStage")
        if (g is LoopFuture<*>) g.markObservedInternal() // the composition passes its outcome on: a failure is not "never retrieved"
        val bound = slot // usually bound already: a read, no atomic write
        if (bound != null || !SLOT.compareAndSet(this, null, g)) {
            @Suppress("UNCHECKED_CAST")
            val d = (bound ?: slot) as Derived<U>
            // a stage already complete completes the composition at once: nothing to cancel
            if (!(g is CompletableFuture<*> && g.isDone)) d.follow(g)
        } // else not bound yet (the JDK runs us inside thenCompose): bind() follows it
        return onLoop(g)
    }

    /** Binds the composition's result (created by the JDK through `newIncompleteFuture`). */
    fun bind(result: CompletableFuture<U>): CompletableFuture<U> {
        @Suppress("UNCHECKED_CAST")
        val d = result as Derived<U>
        d.bindAsComposition() // before the slot publishes it to a racing apply()
        if (!SLOT.compareAndSet(this, null, d)) { // the function ran first
            val g = slot as CompletionStage<*>
            if (!(g is CompletableFuture<*> && g.isDone)) d.follow(g)
        }
        return d
    }

    /** [g] itself when its completion reaches the composition on [loop] anyway; else a relay that hops there. */
    private fun onLoop(g: CompletionStage<U>): CompletionStage<U> {
        if (g is LoopFuture<*>) {
            if (g.isDone || g.homeLoop() === loop) return g
        } else if (g is CompletableFuture<*> && g.isDone) {
            return g
        }
        val hop = Derived<U>(loop, null)
        val vt = loop.virtual
        if (vt == null) {
            g.whenComplete(HopBack(hop, loop))
        } else { // a test loop counts the foreign stage as work outside it until its outcome is posted
            vt.begin()
            val back = HopBack(hop, loop)
            g.whenComplete { v, e ->
                try {
                    back.accept(v, e)
                } finally {
                    vt.end()
                }
            }
        }
        return hop
    }

    private companion object {
        @Suppress("UNCHECKED_CAST")
        val SLOT: AtomicReferenceFieldUpdater<ComposeStep<*, *>, Any?> =
            AtomicReferenceFieldUpdater.newUpdater(ComposeStep::class.java as Class<ComposeStep<*, *>>, Any::class.java, "slot")
    }
}

/** The timer of [LoopFuture.orTimeout]: fails the future with `TimeoutException` on its loop, or is withdrawn when it completes. */
private class OrTimeout(private val f: LoopFuture<*>) : TimerNode(), BiConsumer<Any?, Throwable?> {
    override val isTimeout: Boolean get() = true

    override fun onTimer() {
        if (!f.isDone) {
            try {
                f.completeExceptionally(java.util.concurrent.TimeoutException())
            } catch (e: UnsupportedOperationException) {
                f.loopCore?.reportError("orTimeout could not complete $f", e)
            }
        }
    }

    override fun accept(v: Any?, e: Throwable?) {
        if (isScheduled) f.loopCore?.unschedule(this)
    }
}

/** Completes [hop] with a foreign stage's outcome on [loop]: at once when already on it, else posted. */
private class HopBack<U>(private val hop: Derived<U>, private val loop: LoopCore) : BiConsumer<U, Throwable?>, LoopCore.Undroppable {
    private var value: U? = null
    private var error: Throwable? = null

    override fun accept(v: U, e: Throwable?) {
        if (loop.isLoopThread()) {
            settle(v, e)
        } else {
            value = v
            error = e
            loop.post(this)
        }
    }

    override fun run() {
        @Suppress("UNCHECKED_CAST")
        settle(value as U, error)
    }

    private fun settle(v: U, e: Throwable?) {
        if (e == null) {
            hop.completeInternal(v)
        } else {
            hop.failInternal(if (e is CompletionException) e else CompletionException(Outcomes.unwrap(e)))
        }
    }
}

/** Runs a composition that nested too deep on its loop instead, even if that loop has stopped (then here). */
private class HopExecutor(private val loop: LoopCore) : Executor {
    override fun execute(command: Runnable) {
        loop.post(UndroppableRun(command))
    }
}

private class UndroppableRun(private val r: Runnable) : LoopCore.Undroppable {
    override fun run() {
        r.run()
    }
}

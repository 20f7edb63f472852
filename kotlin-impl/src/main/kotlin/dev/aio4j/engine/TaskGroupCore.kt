package dev.aio4j.engine

import java.util.concurrent.Callable
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletionStage
import java.util.function.Function

/**
 * A task group (asyncio's `TaskGroup`): runs a body that may start children on the group's loop,
 * then awaits the stage the body returned.
 *
 * - The group completes with the body stage's value once that stage is done and every child has
 *   *finished* (done, and its cleanup has run on the loop).
 * - The first failure, of the body or of a child, shuts the group down: every other child and the
 *   body's stage are cancelled, and once all have finished the group fails with that failure;
 *   failures that arrive later are attached to it as suppressed. A cancellation is not a failure:
 *   a child cancelled on its own does not touch the group.
 * - Cancelling the group (its host is then done at once, like every task) cancels the body's stage
 *   and every child; the group finishes when they have. Nothing completes a cancelled host again,
 *   so an outer cancellation is never swallowed, whatever the children do while they end.
 * - [startChild] refuses new children once the group is shutting down or has finished.
 *
 * All state is guarded by [lock]: on the shared loop, children finish on several workers at once.
 */
public class TaskGroupCore(
    loop: LoopCore,
    private val body: Function<TaskGroupCore, out CompletionStage<*>?>,
    /** The user's body, for messages (where it was written); [body] may wrap it. */
    private val origin: Any,
) : TaskCore(loop) {
    private val lock = Any()

    // ---- guarded by lock
    private var phase = OPEN
    private var children: GroupChildCore? = null // unfinished children, newest first
    private var childCount = 0
    private var bodyStage: CompletionStage<*>? = null
    private var bodyDone = false
    private var bodyValue: Any? = null
    private var firstError: Throwable? = null
    private var laterErrors: ArrayList<Throwable>? = null

    /** A child core running [childBody] on this group's loop; give it a host, then pass it to [startChild]. */
    public fun newChild(childBody: Callable<out CompletionStage<*>?>): TaskCore = GroupChildCore(loop, this, childBody)

    /**
     * Starts [child] (from [newChild], its host set) as a member of this group, from any thread.
     * Returns [ChildStart.STARTED], or why the group refused it: the child is then never started
     * and its body never runs.
     */
    public fun startChild(child: TaskCore): ChildStart {
        val c = child as GroupChildCore
        synchronized(lock) {
            when {
                phase == CLOSED -> return ChildStart.GROUP_FINISHED
                phase == SHUTTING || isDone -> return ChildStart.GROUP_SHUTTING_DOWN
            }
            c.groupNext = children
            children?.groupPrev = c
            children = c
            c.inGroup = true
            childCount++
        }
        c.launch()
        return ChildStart.STARTED
    }

    /** True while the group accepts new children. */
    public val isOpen: Boolean get() = synchronized(lock) { phase == OPEN } && !isDone

    /** Number of children that have not finished yet. */
    public fun childCount(): Int = synchronized(lock) { childCount }

    override fun start() {
        setAwaiting(Description())
        var error: Throwable? = null
        val stage = runTaskCode(this, origin, "its task group body", { body.apply(this) }) { error = it }
        if (stage == null) {
            bodyEnded(null, error)
            return
        }
        val cancelNow: Boolean
        synchronized(lock) {
            bodyStage = stage
            cancelNow = phase != OPEN // shut down (or cancelled, on another worker) while the body ran
        }
        listenTo(stage, BODY)
        if (cancelNow) cancelStage(stage, null)
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        bodyEnded(value, error)
    }

    private fun bodyEnded(value: Any?, error: Throwable?) {
        var shutdown: Shutdown? = null
        val ready: Boolean
        synchronized(lock) {
            bodyDone = true
            bodyStage = null
            when {
                error == null -> bodyValue = value
                // the cancellation we (or the group's own cancel) caused
                error is CancellationException && phase != OPEN -> {}
                // a failure, or the body's stage cancelled by someone else: the group cannot produce its value
                else -> shutdown = recordFailure(error)
            }
            ready = settleIfDone()
        }
        shutdown?.run()
        if (ready) complete()
    }

    /** A child finished (on its loop): take its failure, count it out. */
    internal fun childFinished(child: GroupChildCore) {
        val host = child.host!!
        val error = if (host.isDone) Outcomes.errorOf(host) else null
        coreOf(host) // the group reports the child's failure: it is not "never retrieved"
        var shutdown: Shutdown? = null
        val ready: Boolean
        synchronized(lock) {
            if (!child.inGroup) return
            child.inGroup = false
            val p = child.groupPrev
            val n = child.groupNext
            if (p == null) children = n else p.groupNext = n
            if (n != null) n.groupPrev = p
            child.groupPrev = null
            child.groupNext = null
            childCount--
            if (error != null && error !is CancellationException) shutdown = recordFailure(error)
            ready = settleIfDone()
        }
        shutdown?.run()
        if (ready) complete()
    }

    /** Notes [error]; on the first failure of a running group, returns what to cancel. Holds the lock. */
    private fun recordFailure(error: Throwable): Shutdown? {
        val first = firstError
        if (first == null) {
            firstError = error
        } else if (first !== error && error !is CancellationException) {
            val later = laterErrors ?: ArrayList<Throwable>(2).also { laterErrors = it }
            if (later.none { it === error }) later.add(error)
        }
        if (phase != OPEN) return null
        phase = SHUTTING
        return snapshot(FAILED_MESSAGE)
    }

    private fun snapshot(message: String?): Shutdown {
        val kids = arrayOfNulls<GroupChildCore>(childCount)
        var i = 0
        var c = children
        while (c != null) {
            kids[i++] = c
            c = c.groupNext
        }
        return Shutdown(kids, if (bodyDone) null else bodyStage, message)
    }

    /** Closes the group if the body and every child are done; true if this call did. Holds the lock. */
    private fun settleIfDone(): Boolean {
        if (!bodyDone || childCount != 0 || phase == CLOSED) return false
        phase = CLOSED
        return true
    }

    private fun complete() {
        val error = firstError
        if (error == null) {
            completeWith(bodyValue)
        } else {
            if (!isDone) laterErrors?.forEach { error.addSuppressed(it) }
            failWith(error)
        }
        bodyValue = null
        finish()
    }

    /**
     * Runs once the group has finished: its body and every child have ended (on the thread that
     * finished it, normally the loop's). Set before launch. A stream run on another loop uses it so
     * that the task awaiting the run waits for its producers' cleanup, not only for its outcome.
     */
    @JvmField
    public var whenFinished: Runnable? = null

    override fun onFinished() {
        val r = whenFinished ?: return
        whenFinished = null
        try {
            r.run()
        } catch (t: Throwable) {
            loop.reportError("exception in the finish hook of a task group", t)
        }
    }

    override fun onCancelled() {
        val shutdown: Shutdown
        synchronized(lock) {
            if (phase != OPEN) return // already shutting down after a failure, or finished
            phase = SHUTTING
            shutdown = snapshot(null)
        }
        shutdown.run()
    }

    /** What a group cancels when it shuts down; run outside the lock (a cancelled task calls its listeners at once). */
    private class Shutdown(
        private val kids: Array<GroupChildCore?>,
        private val body: CompletionStage<*>?,
        private val message: String?,
    ) {
        fun run() {
            for (k in kids) k?.cancel(message)
            if (body != null) cancelStage(body, message)
        }
    }

    /** What `Task.toString()` shows after "awaiting": the body and the children still running. */
    private inner class Description {
        override fun toString(): String {
            val n: Int
            val body: Boolean
            val shutting: Boolean
            synchronized(lock) {
                n = childCount
                body = !bodyDone
                shutting = phase == SHUTTING
            }
            val kids = if (n == 1) "1 child" else "$n children"
            val what = when {
                body && n > 0 -> "its body and $kids"
                body -> "its body"
                else -> kids
            }
            return if (shutting) "$what (shutting down)" else what
        }
    }

    public companion object {
        private const val OPEN = 0
        private const val SHUTTING = 1
        private const val CLOSED = 2
        private const val BODY = 0
        private const val FAILED_MESSAGE = "cancelled by its task group: another task of the group failed"
    }
}

/** What [TaskGroupCore.startChild] did with a child. */
public enum class ChildStart {
    /** The child was started. */
    STARTED,

    /** Refused: the group has finished. */
    GROUP_FINISHED,

    /** Refused: the group is cancelled or shutting down after a failure. */
    GROUP_SHUTTING_DOWN,
}

/** A member of a task group: an ordinary body task that tells its group when it has finished. */
internal class GroupChildCore(
    loop: LoopCore,
    private val group: TaskGroupCore,
    body: Callable<out CompletionStage<*>?>,
) : BodyCore(loop, body) {
    // guarded by the group's lock
    @JvmField var groupPrev: GroupChildCore? = null
    @JvmField var groupNext: GroupChildCore? = null
    @JvmField var inGroup: Boolean = false

    override fun onFinished() {
        group.childFinished(this)
    }
}

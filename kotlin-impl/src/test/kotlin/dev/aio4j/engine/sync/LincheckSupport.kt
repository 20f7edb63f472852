package dev.aio4j.engine.sync

import dev.aio4j.engine.LoopCore
import dev.aio4j.engine.TaskCore
import dev.aio4j.engine.TaskRegistry
import dev.aio4j.engine.TimerNode
import kotlinx.coroutines.CoroutineDispatcher
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicReferenceArray

/** Where the model-checking tests keep the futures of waiting calls, so that another operation can cancel them. */
internal class LincheckSlots {
    private val slots = AtomicReferenceArray<CompletableFuture<*>?>(2)

    /**
     * Makes a waiting call and keeps its future in [slot] if the slot is free (else the waiter
     * simply stays, uncancellable), atomically: which call fills a slot must not depend on a race
     * in the test itself.
     */
    fun <F : CompletableFuture<*>> call(slot: Int, call: () -> F): F = synchronized(this) {
        val f = call()
        slots.compareAndSet(slot, null, f)
        f
    }

    /** Cancels the future in [slot]: true if it is now cancelled (the JDK's answer), false if empty or done. */
    fun cancel(slot: Int): Boolean = slots.get(slot)?.cancel(false) ?: false

    /** How many slotted futures are cancelled. */
    fun cancelledCount(): Int = (0 until slots.length()).count { slots.get(it)?.isCancelled == true }
}

/** Keeps the model-checking runs inside the suite's time budget; -Dstress.scale raises it. */
internal object LincheckBudget {
    private val scale = Integer.getInteger("stress.scale", 1).coerceAtLeast(1)

    init {
        LoopCore.current() // initialise the loop classes (and the shared loop) outside the model checker
    }

    /**
     * [iterations]: random scenarios, besides the custom ones; [invocations]: interleavings of each
     * (a test of several configurations gives each less).
     */
    fun options(iterations: Int = 6, invocations: Int = 200): ModelCheckingOptions = ModelCheckingOptions()
        .iterations(iterations * scale)
        .invocationsPerIteration(invocations * scale)
        .threads(3)
        .actorsPerThread(2)
}

/**
 * A loop that runs nothing by itself: a woken waiter's delivery waits until the test runs it, an
 * operation of its own, so that the model checker can interleave anything between the wake-up and
 * the delivery. The test runs the waiter itself where its delivery checks under the primitive's
 * monitor whether it was woken (a queue's getter), else [runPosted] (a stream's receiver: only once
 * posted). What is posted is kept; [drain] runs it, as the loop would in the end.
 */
internal class StepLoop : LoopCore("lincheck-steps") {
    private val posted = ArrayList<Runnable>()

    override fun post(r: Runnable) {
        synchronized(posted) { posted.add(r) }
    }

    /** Runs [r] if it was posted and has not run since (running a waiter that was not woken would be wrong); true if it ran. */
    fun runPosted(r: Runnable): Boolean {
        if (!synchronized(posted) { posted.remove(r) }) return false
        r.run()
        return true
    }

    /** Runs everything posted, and what that posts, in order, until nothing is left. */
    fun drain() {
        while (true) {
            val r = synchronized(posted) { if (posted.isEmpty()) null else posted.removeAt(0) } ?: return
            r.run()
        }
    }

    override val registry: TaskRegistry get() = throw UnsupportedOperationException()
    override val dispatcher: CoroutineDispatcher get() = throw UnsupportedOperationException()
    override fun isLoopThread(): Boolean = false
    override val isSingleThreaded: Boolean get() = true
    override fun postYield(r: Runnable) = post(r)
    override fun schedule(node: TimerNode, delayNanos: Long) = throw UnsupportedOperationException()
    override fun unschedule(node: TimerNode) = throw UnsupportedOperationException()
    override fun launch(core: TaskCore) = throw UnsupportedOperationException()
    override fun deliver(target: TaskCore, tag: Int, value: Any?, error: Throwable?) = throw UnsupportedOperationException()
    override fun currentTask(): TaskCore? = null
    override fun setCurrentTask(core: TaskCore?) {}
    override val isClosed: Boolean get() = false
    override fun close() {}
}

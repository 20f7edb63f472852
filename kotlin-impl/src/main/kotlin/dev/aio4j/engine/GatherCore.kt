package dev.aio4j.engine

import java.util.Collections
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletionException
import java.util.concurrent.CompletionStage
import java.util.function.BiFunction

/**
 * `gather`: completes with every child's value in argument order; the first failure fails it
 * (the others keep running); cancelling it cancels every child. With a [settler], every outcome
 * is mapped (value, error) -> element and it never fails on a child's account.
 */
public class GatherCore(
    loop: LoopCore,
    /** The stages, given as an `Object[]`: each slot holds its stage until it completes, then its element (no second array per gather). */
    private val slots: Array<Any?>,
    private val settler: BiFunction<Any?, Throwable?, Any?>?,
) : TaskCore(loop) {
    private val settled = LongArray((slots.size + 63) ushr 6) // guarded by this: which slots hold an element
    private var remaining = slots.size

    override val startsInline: Boolean get() = true

    override fun start() {
        if (slots.isEmpty()) {
            completeWith(Collections.emptyList<Any?>())
            finish()
            return
        }
        for (i in slots.indices) listenTo(slots[i] as CompletionStage<*>, i)
    }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        val last: Boolean
        synchronized(this) {
            slots[tag] = if (settler != null) settler.apply(value, error) else value
            settled[tag ushr 6] = settled[tag ushr 6] or (1L shl tag)
            last = --remaining == 0
        }
        if (error != null && settler == null) {
            // a child's cancellation fails the gather (as asyncio's), it does not cancel it
            if (failWith(if (error is CancellationException) CompletionException(error) else error)) {
                finish() // done: the children left running are tasks of their own (or foreign futures)
            }
        }
        if (last) {
            completeWith(Collections.unmodifiableList(slots.asList()))
            finish()
        }
    }

    override fun onCancelled() {
        val pending = ArrayList<Any?>()
        synchronized(this) {
            for (i in slots.indices) if (settled[i ushr 6] and (1L shl i) == 0L) pending.add(slots[i])
        }
        for (c in pending) cancelStage(c, null)
        finish()
    }
}

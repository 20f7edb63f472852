package dev.aio4j.engine

import java.util.Collections
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletionException
import java.util.concurrent.CompletionStage
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater
import java.util.function.BiFunction

/**
 * `gather`: completes with every child's value in argument order; the first failure fails it
 * (the others keep running); cancelling it cancels every child. With a [settler], every outcome
 * is mapped (value, error) -> element and it never fails on a child's account.
 *
 * No lock: on the shared loop children complete on every worker at once. Each child writes its
 * own slot, then counts itself off [remaining]; the one that counts the last sees every slot.
 */
public class GatherCore(
    loop: LoopCore,
    /**
     * The stages, given as an `Object[]`: each slot holds its stage until it completes, then its
     * element (no second array per gather). An element that is itself a stage is kept in a
     * [StageElement], so that a slot holding a stage always means "not complete yet".
     */
    private val slots: Array<Any?>,
    private val settler: BiFunction<Any?, Throwable?, Any?>?,
) : TaskCore(loop) {
    @Volatile
    private var remaining = slots.size

    @Volatile
    private var boxed = false

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
        val element = if (settler != null) settler.apply(value, error) else value
        if (element is CompletionStage<*>) {
            boxed = true
            slots[tag] = StageElement(element)
        } else {
            slots[tag] = element
        }
        val last = REMAINING.decrementAndGet(this) == 0 // after the slot's write: the last one sees them all
        if (error != null && settler == null) {
            // a child's cancellation fails the gather (as asyncio's), it does not cancel it
            if (failWith(if (error is CancellationException) CompletionException(error) else error)) {
                finish() // done: the children left running are tasks of their own (or foreign futures)
            }
        }
        if (last) {
            if (boxed) {
                for (i in slots.indices) {
                    val s = slots[i]
                    if (s is StageElement) slots[i] = s.stage
                }
            }
            completeWith(Collections.unmodifiableList(slots.asList()))
            finish()
        }
    }

    override fun onCancelled() {
        // a slot still holding a stage is a child not complete yet (or completing right now: cancelling it is then a no-op)
        for (i in slots.indices) {
            val s = slots[i]
            if (s is CompletionStage<*>) cancelStage(s, null)
        }
        finish()
    }

    /** An element that is a stage itself, kept apart from the stages still awaited. */
    private class StageElement(@JvmField val stage: CompletionStage<*>)

    private companion object {
        private val REMAINING: AtomicIntegerFieldUpdater<GatherCore> =
            AtomicIntegerFieldUpdater.newUpdater(GatherCore::class.java, "remaining")
    }
}

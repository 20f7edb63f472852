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
            if (failWith(if (error is CancellationException) CompletionException(error) else error)) {
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

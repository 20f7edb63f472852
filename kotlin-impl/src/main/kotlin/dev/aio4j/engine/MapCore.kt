package dev.aio4j.engine

import java.util.Collections
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletionException
import java.util.concurrent.CompletionStage
import java.util.function.Function

/**
 * `map(concurrency, items, fn)`: calls [fn] on each item, at most [concurrency] calls in flight,
 * and completes with the results in input order. The first failure fails it at once and cancels
 * the calls in flight (later failures are attached to it as suppressed); cancelling it cancels
 * them all. Items are read lazily, one per free slot. [fn] runs on this task's loop as its code.
 *
 * State is guarded by this core's monitor (on the shared loop, calls complete on several workers at
 * once); one thread at a time pumps new calls, outside the monitor.
 */
public class MapCore(
    loop: LoopCore,
    private val items: Iterator<Any?>,
    private val concurrency: Int,
    private val fn: Function<Any?, out CompletionStage<*>?>,
) : TaskCore(loop) {
    private val results = ArrayList<Any?>()
    private val inFlight = HashMap<Int, CompletionStage<*>?>()
    private var exhausted = false
    private var ended = false
    private var pumping = false
    private var again = false
    private var failure: Throwable? = null

    override fun start() {
        pump()
    }

    /** What [claim] found: the index of the item to call [fn] on, or that nothing can start now. */
    private var claimedItem: Any? = null

    /** Under the monitor: the next item's index, or -1 when there is no free slot or no item left. */
    private fun claim(): Int {
        if (ended || exhausted || inFlight.size >= concurrency) return -1
        if (!items.hasNext()) {
            exhausted = true
            return -1
        }
        claimedItem = items.next()
        val i = results.size
        results.add(null)
        inFlight[i] = null
        return i
    }

    private fun pump() {
        synchronized(this) {
            if (pumping) {
                again = true
                return
            }
            pumping = true
        }
        while (true) {
            var index: Int
            var item: Any? = null
            var stop = false
            synchronized(this) {
                index = try {
                    claim()
                } catch (t: Throwable) {
                    iteratorFailure = t
                    pumping = false
                    stop = true
                    -2
                }
                if (index >= 0) {
                    item = claimedItem
                    claimedItem = null
                } else if (index == -1) {
                    if (again) {
                        again = false
                    } else {
                        pumping = false
                        stop = true
                    }
                }
            }
            if (index == -2) {
                fail(iteratorFailure ?: IllegalStateException("the items' iterator failed"))
                return
            }
            if (stop) break
            if (index < 0) continue
            val stage = call(item)
            if (stage == null) {
                synchronized(this) { pumping = false }
                return
            }
            val cancelNow: Boolean
            synchronized(this) {
                cancelNow = ended
                if (!ended) inFlight[index] = stage
            }
            if (cancelNow) {
                cancelStage(stage, null)
                synchronized(this) { pumping = false }
                return
            }
            listenTo(stage, index)
        }
        settleIfAllDone()
    }

    private var iteratorFailure: Throwable? = null

    /** Calls [fn] as this task's code; null (and the task failed) if it threw or returned null. */
    private fun call(item: Any?): CompletionStage<*>? =
        runTaskCode(this, fn, "the function given to Async.map (item $item)", { fn.apply(item) }) { e -> fail(e) }

    override fun onChildDone(tag: Int, value: Any?, error: Throwable?) {
        if (error != null) {
            fail(if (error is CancellationException) CompletionException(error) else error)
            return
        }
        synchronized(this) {
            if (ended) return
            inFlight.remove(tag)
            results[tag] = value
        }
        pump()
    }

    private fun settleIfAllDone() {
        val list: List<Any?>
        synchronized(this) {
            if (ended || !exhausted || inFlight.isNotEmpty() || pumping) return
            ended = true
            list = Collections.unmodifiableList(ArrayList(results))
        }
        completeWith(list)
        finish()
    }

    /** The first failure fails the task and cancels the calls in flight; a later one is attached to it. */
    private fun fail(error: Throwable) {
        val toCancel: List<CompletionStage<*>?>
        synchronized(this) {
            if (ended) {
                val first = failure
                if (first != null && error !is CancellationException && error !== first &&
                    !(error is CompletionException && error.cause is CancellationException)
                ) {
                    first.addSuppressed(error)
                }
                return
            }
            ended = true
            failure = error
            toCancel = ArrayList(inFlight.values)
            inFlight.clear()
        }
        failWith(error)
        for (s in toCancel) if (s != null) cancelStage(s, null)
        finish()
    }

    override fun onCancelled() {
        val toCancel: List<CompletionStage<*>?>
        synchronized(this) {
            ended = true
            toCancel = ArrayList(inFlight.values)
            inFlight.clear()
        }
        for (s in toCancel) if (s != null) cancelStage(s, null)
        finish()
    }
}

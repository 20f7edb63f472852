@file:JvmName("AsyncStreams")

package dev.aio4j.kotlin

import dev.aio4j.Async
import dev.aio4j.AsyncStream
import dev.aio4j.Emitter
import dev.aio4j.Loop
import dev.aio4j.SuspendCall
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.future.await
import kotlinx.coroutines.withContext

/**
 * This stream as a cold kotlinx [Flow]: each collection runs the stream once, through an
 * [dev.aio4j.AsyncIterator] whose run starts on the collector's loop (the shared loop when the
 * collector is not on an aio4j loop). Items are emitted in order, one at a time: the next item is
 * asked for once the collector took the previous one (the stream's backpressure).
 *
 * The stream's failure is thrown by `collect`. Cancelling the collecting coroutine (or an operator
 * downstream that stops early, such as `take`) closes the iterator and waits, without being
 * cancellable itself, until the stream's producers have finished their cleanup. Items the stream
 * still holds then go to its `onDiscard`; an item counts as delivered once the iterator handed it
 * to this flow, so one that reaches the collector just as it is cancelled is dropped by the flow
 * (kotlinx's prompt cancellation), not discarded by the stream.
 */
public fun <T : Any> AsyncStream<T>.asFlow(): Flow<T> {
    val stream = this
    return flow {
        val it = stream.iterator()
        try {
            while (true) {
                val item = it.next().await() ?: break
                emit(item)
            }
        } finally {
            withContext(NonCancellable) { it.close().await() }
        }
    }
}

/**
 * This flow as a cold [AsyncStream]: each terminal operation of the stream collects the flow
 * once, in a coroutine on the loop of the stream's run ([loop] when given), so the flow's code runs
 * on that loop and its `delay`s are that loop's timers. Each item the flow emits is handed to the
 * stream: `emit` suspends until the stream accepted it (backpressure both ways).
 *
 * The flow's exception fails the stream. When the stream stops early (the consumer closes it,
 * `take` is reached, the terminal task is cancelled), the collecting coroutine is cancelled, so the
 * flow's `finally` blocks run, before the stream's run ends.
 */
@JvmOverloads
public fun <T : Any> Flow<T>.asAsyncStream(loop: Loop? = null): AsyncStream<T> {
    val flow = this
    return AsyncStream.generate { out ->
        val call = collectInto(flow, out)
        if (loop == null) Async.fromSuspend(call) else loop.task { Async.fromSuspend(call) }
    }
}

/** Collects [flow] into [out] as a [SuspendCall] (the shape `Async.fromSuspend` runs; Kotlin sees it as a suspend function). */
private fun <T : Any> collectInto(flow: Flow<T>, out: Emitter<T>): SuspendCall<Unit> =
    SuspendCall { flow.collect { item -> out.emit(item).await() } }

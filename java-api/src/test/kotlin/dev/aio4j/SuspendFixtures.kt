package dev.aio4j

import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import kotlinx.coroutines.job
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import java.io.IOException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CancellationException

/** Kotlin `suspend fun`s for the tests that call them from Java through `Async.fromSuspend`. */
class SuspendFixtures {
    /** What the functions did, in order (threads, cleanup). */
    val events = ConcurrentLinkedQueue<String>()

    /** Returns at once, without ever suspending. */
    suspend fun immediate(x: Int): Int = x * 2

    /** Suspends on the loop's timer, then returns. */
    suspend fun delayed(x: Int, millis: Long): Int {
        delay(millis)
        return x + 1
    }

    /** Suspends (yields) once, then returns the name of the thread it resumed on. */
    suspend fun threadAfterYield(): String {
        yield()
        return Thread.currentThread().name
    }

    suspend fun throwsAtOnce(e: Exception): Int = throw e

    suspend fun throwsAfterSuspending(e: Exception): Int {
        delay(1)
        throw e
    }

    /** Suspends until cancelled; reports that it started, and records its cleanup. */
    suspend fun untilCancelled(started: CompletableFuture<String>): String {
        try {
            started.complete(Thread.currentThread().name)
            awaitCancellation()
        } catch (e: CancellationException) {
            events.add("cancelled")
            throw e
        } finally {
            events.add("finally on " + Thread.currentThread().name)
        }
    }

    /** Cancels itself by throwing, as Kotlin code may. */
    suspend fun throwsCancellation(): Int {
        yield()
        throw CancellationException("gave up")
    }

    /** Cancels its own coroutine, then suspends. */
    suspend fun cancelsOwnJob(): Int {
        currentCoroutineContext().job.cancel()
        yield()
        return 1
    }

    suspend fun timesOut(): Int = withTimeout(5) { awaitCancellation() }

    suspend fun coroutineName(): String? = currentCoroutineContext()[CoroutineName]?.name

    /** What `Async.currentTask()` says inside the coroutine, before and after it suspended. */
    suspend fun currentTasks(): List<Any?> {
        val before = Async.currentTask().orElse(null)
        yield()
        return listOf(before, Async.currentTask().orElse(null))
    }

    /** Awaits a Java stage with kotlinx's `await()`. */
    suspend fun awaitStage(stage: CompletionStage<String>): String = "awaited " + stage.await()

    /** Reports its start and its end (even when cancelled) around a delay. */
    suspend fun tracked(millis: Long, onStart: Runnable, onEnd: Runnable): Long {
        onStart.run()
        try {
            delay(millis)
            return millis
        } finally {
            onEnd.run()
        }
    }

    suspend fun nothing() {
        yield()
    }
}

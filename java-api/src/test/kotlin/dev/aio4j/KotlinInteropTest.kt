package dev.aio4j

import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.yield
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import java.io.IOException
import java.time.Duration
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

/** Kotlin code meeting aio4j: awaiting tasks with kotlinx's `await()`, and `fromSuspend` driven from Kotlin. */
@Timeout(20)
class KotlinInteropTest {
    private val forever = Duration.ofHours(1)

    /** Kotlin sees `SuspendCall` as a `suspend () -> T`: a suspend lambda converts to it. */
    private fun <T> fromSuspend(block: suspend () -> T): Task<T> = Async.fromSuspend { block() }

    @Test
    fun kotlinAwaitsATasksValue() = runBlocking {
        assertEquals("x", Async.sleep(Duration.ofMillis(2), "x").await())
        assertEquals(3, Async.sleep(Duration.ZERO, 2).thenApply { it + 1 }.await())
    }

    @Test
    fun kotlinAwaitRethrowsTheTasksFailure() {
        val boom = IOException("boom")
        val thrown = assertThrows(IOException::class.java) {
            runBlocking { Async.task { CompletableFuture.failedFuture<String>(boom) }.await() }
        }
        assertEquals("boom", thrown.message)
    }

    @Test
    fun cancellingTheCoroutineCancelsTheTaskItAwaits() = runBlocking {
        val task = Async.sleep(forever, "never")
        val job = launch(start = CoroutineStart.UNDISPATCHED) { task.await() }
        job.cancelAndJoin()
        assertTrue(task.isCancelled)
    }

    @Test
    fun cancellingTheCoroutineCancelsTheRootOfADerivedStage() = runBlocking {
        val root = Async.sleep(forever, 1)
        val job = launch(start = CoroutineStart.UNDISPATCHED) { root.thenApply { it + 1 }.await() }
        job.cancelAndJoin()
        assertTrue(root.isCancelled)
    }

    @Test
    fun aKotlinTimeoutCancelsTheAwaitedTask() = runBlocking {
        val task = Async.sleep(forever, "never")
        assertNull(withTimeoutOrNull(10) { task.await() })
        assertTrue(task.isCancelled)
    }

    @Test
    fun kotlinCodeCanRunOnAnAio4jLoopAndAwaitJavaTasksThere() {
        Loop.create("kotlin-on-loop").use { loop ->
            val result = runBlocking {
                withContext(loop.asCoroutineDispatcher()) {
                    val a = Async.sleep(Duration.ofMillis(2), 20) // started on this loop: the current one
                    val b = Async.task { CompletableFuture.completedFuture(Loop.current().orElse(null)) }
                    assertSame(loop, a.loop())
                    assertSame(loop, b.await())
                    a.await() + 1
                }
            }
            assertEquals(21, result)
        }
    }

    @Test
    fun fromSuspendWithAFunctionThatSuspends() {
        val task = fromSuspend {
            delay(2)
            "slept"
        }
        assertEquals("slept", task.get(5, TimeUnit.SECONDS))
    }

    @Test
    fun fromSuspendWithAFunctionThatReturnsAtOnce() {
        assertEquals(7, fromSuspend { 7 }.get(5, TimeUnit.SECONDS))
    }

    @Test
    fun fromSuspendWithAFunctionThatThrows() {
        val boom = IOException("boom")
        val task = fromSuspend<Int> {
            yield()
            throw boom
        }
        val e = assertThrows(java.util.concurrent.ExecutionException::class.java) { task.get(5, TimeUnit.SECONDS) }
        assertSame(boom, e.cause)
    }

    @Test
    fun fromSuspendCancelledFromOutside() {
        val started = CompletableFuture<Unit>()
        val cleaned = CompletableFuture<Unit>()
        val task = fromSuspend {
            try {
                started.complete(Unit)
                delay(Long.MAX_VALUE)
            } finally {
                cleaned.complete(Unit)
            }
        }
        started.get(5, TimeUnit.SECONDS)
        assertTrue(task.cancel())
        cleaned.get(5, TimeUnit.SECONDS) // the coroutine's finally ran: the cancel reached it
        assertTrue(task.isCancelled)
    }

    @Test
    fun fromSuspendCancelledFromInside() {
        val task = fromSuspend<Int> {
            yield()
            throw CancellationException("from inside")
        }
        assertThrows(CancellationException::class.java) { task.join() }
        assertEquals("from inside", task.handle { _, e -> e.message }.join())
        assertTrue(task.isCancelled)
    }
}

package dev.aio4j

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.future.await
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import java.time.Duration
import java.util.Optional
import java.util.concurrent.CompletableFuture

/**
 * The shared loop runs on kotlinx's `Dispatchers.Default` workers, which also run `Dispatchers.IO`'s
 * blocking work and plain coroutines: only the loop's own code counts as being on the loop.
 */
@Timeout(20)
class DispatchersIoTest {
    @Test
    fun onDispatchersIoThereIsNoCurrentLoopAndAwaitBlocks() = runBlocking {
        withContext(Dispatchers.IO) {
            assertEquals(Optional.empty<Loop>(), Loop.current())
            assertEquals("x", Async.await(Async.sleep(Duration.ofMillis(1), "x")))
            assertEquals("y", Async.await(CompletableFuture.supplyAsync { "y" }))
        }
    }

    @Test
    fun aPlainDefaultDispatcherCoroutineIsNotOnTheLoop() = runBlocking {
        withContext(Dispatchers.Default) {
            assertEquals(Optional.empty<Loop>(), Loop.current())
        }
    }

    @Test
    fun onTheSharedLoopAwaitIsStillRefused() {
        val refused = Async.task {
            val sleeping = Async.sleep(Duration.ofMillis(1), "x")
            CompletableFuture.completedFuture(runCatching { Async.await(sleeping) }.exceptionOrNull())
        }.join()
        assertTrue(refused is IllegalStateException, "$refused")
        assertSame(Loop.shared(), Async.task { CompletableFuture.completedFuture(Loop.current().orElse(null)) }.join())
        // callbacks the loop runs count as its code too
        assertSame(Loop.shared(), Async.sleep(Duration.ofMillis(1)).thenApplyAsync { Loop.current().orElse(null) }.join())
    }

    @Test
    fun aSuspendTaskThatSwitchesToDispatchersIoLeavesTheLoopThereAndComesBack() {
        val seen = Async.fromSuspend<List<Any?>> {
            val before = Loop.current().orElse(null)
            val onIo = withContext(Dispatchers.IO) {
                listOf(Loop.current().orElse(null), Async.currentTask().orElse(null), Async.await(Async.sleep(Duration.ofMillis(1), "io")))
            }
            listOf(before, onIo, Loop.current().orElse(null), Async.currentTask().isPresent)
        }.join()
        assertSame(Loop.shared(), seen[0])
        assertEquals(listOf(null, null, "io"), seen[1])
        assertSame(Loop.shared(), seen[2])
        assertEquals(true, seen[3])
    }

    @Test
    fun kotlinAwaitOfATaskWorksOnDispatchersIo() = runBlocking {
        withContext(Dispatchers.IO) {
            assertEquals("z", Async.sleep(Duration.ofMillis(1), "z").await())
        }
    }
}

package dev.aio4j.engine

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertTrue

@Timeout(30)
class EventLoopCoreTest {
    @Test
    fun workPostedDuringAnIterationRunsInTheNextOne() {
        val loop = EventLoopCore.start("order")
        val events = java.util.Collections.synchronizedList(ArrayList<String>())
        val done = CountDownLatch(1)
        loop.post { // both posted in one step: they run in the same iteration, and what they post runs in the next
            loop.post {
                loop.post { events.add("a2") }
                events.add("a1")
            }
            loop.post {
                events.add("b1")
                loop.post {
                    events.add("b2")
                    done.countDown()
                }
            }
        }
        assertTrue(done.await(10, TimeUnit.SECONDS))
        assertEquals(listOf("a1", "b1", "a2", "b2"), events)
        loop.close()
    }

    @Test
    fun timersFireInDeadlineOrderOnTheLoopThread() {
        val loop = EventLoopCore.start("timers")
        val fired = java.util.Collections.synchronizedList(ArrayList<Int>())
        val threads = java.util.Collections.synchronizedSet(HashSet<Thread>())
        val done = CountDownLatch(3)
        for (ms in listOf(30L, 10L, 20L)) {
            loop.schedule(object : TimerNode() {
                override fun onTimer() {
                    fired.add(ms.toInt())
                    threads.add(Thread.currentThread())
                    done.countDown()
                }
            }, TimeUnit.MILLISECONDS.toNanos(ms))
        }
        assertTrue(done.await(10, TimeUnit.SECONDS))
        assertEquals(listOf(10, 20, 30), fired)
        assertEquals(setOf(loop.thread()), threads)
        loop.close()
    }

    @Test
    fun anUnscheduledTimerNeverFires() {
        val loop = EventLoopCore.start("unschedule")
        val ran = CompletableFuture<Boolean>()
        val node = object : TimerNode() {
            override fun onTimer() {
                ran.complete(true)
            }
        }
        loop.schedule(node, TimeUnit.MILLISECONDS.toNanos(50))
        loop.unschedule(node)
        // a later timer on the same loop fires: the earlier one, had it stayed, would have fired first
        val later = CompletableFuture<Boolean>()
        loop.schedule(object : TimerNode() {
            override fun onTimer() {
                later.complete(!ran.isDone)
            }
        }, TimeUnit.MILLISECONDS.toNanos(100))
        assertTrue(later.get(10, TimeUnit.SECONDS))
        loop.close()
    }

    @Test
    fun closeRunsOnlyAfterWorkInFlightAndIsIdempotent() {
        val loop = EventLoopCore.start("close")
        val ran = CountDownLatch(1)
        loop.post { ran.countDown() }
        assertTrue(ran.await(10, TimeUnit.SECONDS))
        loop.close()
        loop.close()
        assertTrue(loop.isStopped)
        assertTrue(loop.awaitTermination(10_000))
    }

    @Test
    fun aThrowingCallbackGoesToTheHandlerAndTheLoopGoesOn() {
        val loop = EventLoopCore.start("handler")
        val reported = CompletableFuture<Throwable>()
        loop.setExceptionHandler { _, t -> reported.complete(t) }
        val after = CountDownLatch(1)
        loop.execute { throw IllegalArgumentException("boom") }
        loop.post { after.countDown() }
        assertEquals("boom", reported.get(10, TimeUnit.SECONDS).message)
        assertTrue(after.await(10, TimeUnit.SECONDS))
        loop.close()
    }
}

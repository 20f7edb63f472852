package dev.aio4j.kotlin

import dev.aio4j.Async
import dev.aio4j.AsyncStream
import dev.aio4j.Loop
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.flowOf
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import java.io.IOException
import java.time.Duration
import java.util.Collections
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

@Timeout(60) // a hang is a failure, not a stuck build
class AsyncStreamsTest {
    /** The thread's name without the coroutine suffix kotlinx's debug mode (on under -ea) appends. */
    private fun threadName(): String = Thread.currentThread().name.substringBefore(" @")

    @Test
    fun aStreamCollectedAsAFlowGivesItsItemsInOrder() = runBlocking {
        assertEquals(listOf(1, 2, 3), AsyncStream.of(1, 2, 3).asFlow().toList())
        assertEquals(listOf<Int>(), AsyncStream.empty<Int>().asFlow().toList())
    }

    @Test
    fun aFlowConsumedAsAStreamGivesItsItemsInOrder() {
        val list = Loop.run { flowOf("a", "b", "c").asAsyncStream().toList() }
        assertEquals(listOf("a", "b", "c"), list)
    }

    @Test
    fun theFlowRunsOnTheStreamsLoopAndItsDelaysAreThatLoopsTimers() {
        val threads = Collections.synchronizedSet(HashSet<String>())
        var loopThread = ""
        val list = Loop.run {
            loopThread = Thread.currentThread().name
            flow {
                for (i in 1..3) {
                    delay(1)
                    threads.add(threadName())
                    emit(i)
                }
            }.asAsyncStream().toList()
        }
        assertEquals(listOf(1, 2, 3), list)
        assertEquals(setOf(loopThread), threads)
    }

    @Test
    fun eachTerminalOperationCollectsTheFlowOnce() {
        val collections = AtomicInteger()
        val stream = flow { collections.incrementAndGet(); emit(1); emit(2) }.asAsyncStream()
        val (a, b) = Loop.run {
            stream.toList().thenCombine(stream.count()) { l, c -> Pair(l, c) }
        }
        assertEquals(listOf(1, 2), a)
        assertEquals(2L, b)
        assertEquals(2, collections.get())
    }

    @Test
    fun aStreamThatStopsEarlyCancelsTheFlowAndItsFinallyRunsBeforeTheRunEnds() {
        val finallyRan = AtomicBoolean()
        val emitted = AtomicInteger()
        val infinite = flow {
            try {
                var i = 0
                while (true) {
                    emit(i++)
                    emitted.incrementAndGet()
                }
            } finally {
                finallyRan.set(true)
            }
        }
        val first = Loop.run { infinite.asAsyncStream().take(5).toList() }
        assertEquals(listOf(0, 1, 2, 3, 4), first)
        assertTrue(finallyRan.get(), "the flow's finally ran before Loop.run returned")
        assertTrue(emitted.get() <= 6, "the flow got ahead by at most the item waiting in emit: ${emitted.get()}")
    }

    @Test
    fun aFlowThatStopsEarlyClosesTheStreamAndWaitsForItsCleanup() = runBlocking {
        val cleanedUp = AtomicBoolean()
        val infinite = AsyncStream.generate<Int> { out ->
            val i = intArrayOf(0)
            Async.repeatWhile { out.emit(i[0]++).thenApply { true } }
                .whenComplete { _, _ -> cleanedUp.set(true) }
        }
        assertEquals(listOf(0, 1, 2), infinite.asFlow().take(3).toList())
        assertTrue(cleanedUp.get(), "the producer's cleanup ran before collect returned")
    }

    @Test
    fun failuresCrossBothWays() {
        val fromFlow = assertFailsWith<IOException> {
            Loop.run { flow<Int> { emit(1); throw IOException("flow failed") }.asAsyncStream().toList() }
        }
        assertEquals("flow failed", fromFlow.message)
        val fromStream = assertFailsWith<IOException> {
            runBlocking { AsyncStream.failed<Int>(IOException("stream failed")).asFlow().toList() }
        }
        assertEquals("stream failed", fromStream.message)
    }

    @Test
    fun aRoundTripKeepsItemsAndOrder() = runBlocking {
        val back = flowOf(1, 2, 3, 4).asAsyncStream().map { it * 10 }.asFlow().map { it + 1 }.toList()
        assertEquals(listOf(11, 21, 31, 41), back)
    }

    @Test
    fun onAGivenLoopTheFlowRunsThere() {
        Loop.create("flow-home").use { home ->
            val seen = CompletableFuture<String>()
            val list = Loop.run {
                flow { seen.complete(threadName()); emit(7) }.asAsyncStream(home).toList()
            }
            assertEquals(listOf(7), list)
            assertEquals("aio4j-loop-flow-home", seen.get())
        }
    }

    @Test
    fun aDelayedFlowConsumedWithATimeoutFromJavaStyleCode() {
        val r = Loop.run {
            Async.waitFor(flow { delay(10); emit("late") }.asAsyncStream().first(), Duration.ofSeconds(30))
        }
        assertEquals("late", r.orElseThrow())
    }
}

package dev.aio4j.engine

import org.junit.jupiter.api.Test
import kotlin.random.Random
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

class TimerHeapTest {
    private class Node(d: Long) : TimerNode() {
        init {
            deadline = d
        }

        override fun onTimer() {}
    }

    @Test
    fun pollsInDeadlineOrderAfterRandomAddsAndRemoves() {
        val rnd = Random(42)
        val heap = TimerHeap()
        val live = HashSet<Node>()
        repeat(20_000) {
            if (live.isEmpty() || rnd.nextInt(3) != 0) {
                val n = Node(rnd.nextLong(-1_000_000, 1_000_000))
                heap.add(n)
                live.add(n)
            } else {
                val victim = live.elementAt(rnd.nextInt(live.size))
                assertTrue(heap.remove(victim))
                assertFalse(victim.isScheduled)
                live.remove(victim)
            }
        }
        assertEquals(live.size, heap.size)
        var last = Long.MIN_VALUE
        while (true) {
            val n = heap.poll() ?: break
            assertTrue(n.deadline >= last, "out of order")
            last = n.deadline
            assertTrue(live.remove(n))
        }
        assertTrue(live.isEmpty())
        assertNull(heap.peek())
    }

    @Test
    fun removingANodeTwiceOrFromAnotherHeapIsANoOp() {
        val a = TimerHeap()
        val b = TimerHeap()
        val n = Node(5)
        a.add(n)
        b.add(Node(1))
        assertFalse(b.remove(n))
        assertTrue(a.remove(n))
        assertFalse(a.remove(n))
        assertEquals(0, a.size)
        assertEquals(1, b.size)
    }

    @Test
    fun comparesDeadlinesAcrossNanoTimeWrapAround() {
        val heap = TimerHeap()
        val late = Node(Long.MIN_VALUE + 10) // just after the wrap
        val early = Node(Long.MAX_VALUE - 10) // just before it
        heap.add(late)
        heap.add(early)
        assertTrue(heap.poll() === early)
        assertTrue(heap.poll() === late)
    }

    @Test
    fun hugeDelaysAreClampedNotOverflowed() {
        assertEquals(Delays.MAX_DELAY_NANOS, Delays.toNanos(java.time.Duration.ofSeconds(Long.MAX_VALUE)))
        assertEquals(0L, Delays.toNanos(java.time.Duration.ZERO))
        assertEquals(1_000_000L, Delays.toNanos(java.time.Duration.ofMillis(1)))
        val deadline = System.nanoTime() + Delays.MAX_DELAY_NANOS
        assertTrue(deadline - System.nanoTime() > 0, "a clamped deadline must still lie in the future")
    }
}

package dev.aio4j.engine

import org.junit.jupiter.api.Test
import kotlin.random.Random
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

class TimerQueueTest {
    private class Node(val delay: Long, d: Long) : TimerNode() {
        init {
            deadline = d
        }

        override fun onTimer() {}
    }

    private fun drainInOrder(q: TimerQueue, live: MutableSet<Node>) {
        assertEquals(live.size, q.size)
        var last = Long.MIN_VALUE
        while (true) {
            val n = q.poll() ?: break
            assertTrue(n.deadline >= last, "out of order: ${n.deadline} after $last")
            assertFalse(n.isScheduled)
            last = n.deadline
            assertTrue(live.remove(n))
        }
        assertTrue(live.isEmpty())
        assertNull(q.peek())
        assertTrue(q.isEmpty())
    }

    @Test
    fun pollsInDeadlineOrderAcrossLanesAfterRandomAddsAndRemoves() {
        val rnd = Random(42)
        val q = TimerQueue()
        val live = LinkedHashSet<Node>()
        var now = 0L
        repeat(50_000) {
            now += rnd.nextLong(0, 50)
            if (live.isEmpty() || rnd.nextInt(3) != 0) {
                // a few common delays (lanes that fill up) and some one-off ones
                val delay = if (rnd.nextInt(10) < 8) longArrayOf(10, 1_000, 50_000)[rnd.nextInt(3)] else rnd.nextLong(0, 100_000)
                val n = Node(delay, now + delay)
                q.add(n, delay)
                live.add(n)
            } else {
                val victim = live.elementAt(rnd.nextInt(live.size))
                assertTrue(q.remove(victim))
                assertFalse(victim.isScheduled)
                live.remove(victim)
            }
        }
        drainInOrder(q, live)
    }

    @Test
    fun aLaneKeepsDeadlineOrderWhenATimerArrivesLate() {
        val q = TimerQueue()
        val live = LinkedHashSet<Node>()
        // the same delay scheduled from another thread may reach the loop after later ones
        for (d in longArrayOf(100, 300, 200, 50, 400, 250)) {
            val n = Node(7, d)
            q.add(n, 7)
            live.add(n)
        }
        assertEquals(50L, q.peek()!!.deadline)
        drainInOrder(q, live)
    }

    @Test
    fun removingANodeTwiceOrFromAnotherQueueIsANoOp() {
        val a = TimerQueue()
        val b = TimerQueue()
        val n = Node(5, 5)
        a.add(n, 5)
        b.add(Node(5, 1), 5)
        assertFalse(b.remove(n))
        assertTrue(a.remove(n))
        assertFalse(a.remove(n))
        assertEquals(0, a.size)
        assertEquals(1, b.size)
    }

    @Test
    fun aRemovedHeadLetsTheLanesNextTimerComeFirstInItsTurn() {
        val q = TimerQueue()
        val a1 = Node(10, 10)
        val a2 = Node(10, 40)
        val b1 = Node(25, 25)
        q.add(a1, 10)
        q.add(b1, 25)
        q.add(a2, 10)
        assertTrue(q.remove(a1))
        assertTrue(q.poll() === b1)
        assertTrue(q.poll() === a2)
        assertNull(q.poll())
    }

    @Test
    fun comparesDeadlinesAcrossNanoTimeWrapAround() {
        val q = TimerQueue()
        val late = Node(1, Long.MIN_VALUE + 10) // just after the wrap
        val early = Node(2, Long.MAX_VALUE - 10) // just before it
        q.add(late, 1)
        q.add(early, 2)
        assertTrue(q.poll() === early)
        assertTrue(q.poll() === late)
    }

    @Test
    fun drainEmptiesEveryLane() {
        val q = TimerQueue()
        val nodes = (1..100).map { Node((it % 7).toLong(), it.toLong()) }
        nodes.forEach { q.add(it, it.delay) }
        assertEquals(100, q.drain().size)
        assertTrue(q.isEmpty())
        assertTrue(nodes.none { it.isScheduled })
        q.add(nodes[0], 3) // reusable after a drain
        assertTrue(q.poll() === nodes[0])
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

package dev.aio4j.engine.sync

import dev.aio4j.engine.LoopCore
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.util.concurrent.CancellationException
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.ThreadLocalRandom
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.function.Consumer
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlin.test.fail

/**
 * Threads against one [StreamChannel] on the shared loop (where deliveries and discards run), many
 * rounds: a producer sends and trySends, sometimes withdrawing a waiting send; a consumer receives,
 * sometimes cancelling a receive and receiving again; the producer completes, or a third thread
 * cancels the channel at a random moment. After each round (the channel then cancelled): every item
 * sent (a trySend that answered OK) was received or discarded exactly once, none that a trySend
 * refused appears, the consumer got the items in the order sent, and one that saw the end left
 * nothing held.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
internal class StreamChannelStressTest {
    private val pool = Executors.newFixedThreadPool(3)
    private val loop = LoopCore.currentOrShared()
    private val scale = Integer.getInteger("stress.scale", 1).coerceAtLeast(1)

    @AfterAll
    fun stop() {
        pool.shutdownNow()
    }

    @Test
    fun everyItemReceivedOrDiscardedOnce() {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4L * scale)
        var round = 0
        while (round < 2000 * scale && System.nanoTime() < deadline) round(round++)
    }

    private fun round(n: Int) {
        val rnd = ThreadLocalRandom.current()
        val capacity = rnd.nextInt(3)
        val policy = if (capacity > 0 && rnd.nextBoolean()) StreamChannel.Policy.DROP_OLDEST else StreamChannel.Policy.SUSPEND
        val cancelling = rnd.nextBoolean()
        val discarded = ConcurrentHashMap<Int, AtomicInteger>()
        val ch = StreamChannel(loop, capacity, policy, Consumer { x -> discarded.computeIfAbsent(x as Int) { AtomicInteger() }.incrementAndGet() }, "stress")
        val sent = ConcurrentHashMap.newKeySet<Int>()
        val refused = ConcurrentHashMap.newKeySet<Int>()
        val received = ArrayList<Int>()
        var heldAtEnd = -1
        val what = "round $n: capacity $capacity, $policy, ${if (cancelling) "cancelled" else "completed"}"

        val producer = pool.submit {
            val r = ThreadLocalRandom.current()
            for (i in 1..20) {
                if (r.nextInt(3) == 0) {
                    when (ch.trySend(i)) {
                        StreamChannel.TryResult.OK -> sent.add(i)
                        else -> refused.add(i)
                    }
                    continue
                }
                sent.add(i) // accepted, or discarded
                val f = ch.send(i, false)
                if (!f.isDone && r.nextInt(4) == 0) f.cancel(false)
                try {
                    f.get(5, TimeUnit.SECONDS)
                } catch (e: CancellationException) {
                } catch (e: ExecutionException) {
                }
            }
            if (!cancelling) ch.complete(null)
        }
        val consumer = pool.submit {
            val r = ThreadLocalRandom.current()
            while (true) {
                val f = ch.receive()
                if (r.nextInt(4) == 0 && f.cancel(false)) continue
                val x = try {
                    f.get(5, TimeUnit.SECONDS)
                } catch (e: CancellationException) {
                    break
                } catch (e: ExecutionException) {
                    break
                }
                if (x == null) {
                    heldAtEnd = ch.size()
                    break
                }
                received.add(x as Int)
            }
        }
        val canceller = pool.submit {
            if (cancelling) {
                val spins = ThreadLocalRandom.current().nextInt(20_000)
                for (i in 0 until spins) Thread.onSpinWait()
                ch.cancel()
            }
        }
        for (t in listOf(producer, consumer, canceller)) t.get(10, TimeUnit.SECONDS)
        ch.cancel() // the consumer is gone: what is left goes to discard

        // deliveries and discards run on the loop: wait for the last of them
        val until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5)
        while (received.size + discarded.values.sumOf { it.get() } < sent.size && System.nanoTime() < until) Thread.sleep(1)

        assertTrue(heldAtEnd <= 0, "$what: the consumer saw the end with $heldAtEnd item(s) still held")
        for (i in 1 until received.size) {
            assertTrue(received[i - 1] < received[i], "$what: received out of order: $received")
        }
        for (i in 1..20) {
            val times = received.count { it == i } + (discarded[i]?.get() ?: 0)
            if (i in sent) {
                assertEquals(1, times, "$what: item $i received or discarded $times times; received $received, discarded $discarded")
            } else if (times != 0) {
                fail("$what: item $i refused by trySend but received or discarded $times times")
            }
        }
        assertEquals(sent.size + refused.size, 20, what)
    }
}

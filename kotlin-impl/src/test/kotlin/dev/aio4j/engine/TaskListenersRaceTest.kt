package dev.aio4j.engine

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.concurrent.thread
import kotlin.test.assertEquals
import kotlin.test.assertTrue

/**
 * A task's listeners change by CAS and its completion takes them without a lock: whatever the
 * interleaving of adds, removes and the completion on several threads, a listener whose removal
 * succeeded is never called, and every other listener is called exactly once, with its own tag
 * and the task's value.
 */
@Timeout(120)
class TaskListenersRaceTest {
    private class Counting(val tag: Int) : StageListener {
        val calls = AtomicInteger()
        @Volatile var wrong: String? = null

        override fun onStageDone(tag: Int, value: Any?, error: Throwable?) {
            calls.incrementAndGet()
            if (tag != this.tag || value != "v" || error != null) wrong = "tag $tag (own ${this.tag}), value $value, error $error"
        }
    }

    @Test
    fun addsRemovesAndTheCompletionRacingLoseNoCallAndCallNoneTwice() {
        val loop: LoopCore = SharedLoopCore.INSTANCE // a concurrent registry: the test thread finishes the task
        run {
            val rounds = 3_000
            val perThread = 3
            val threads = 3
            repeat(rounds) { round ->
                val core = ResultCore(loop)
                core.launchHidden()
                val barrier = CyclicBarrier(threads + 1)
                val results = Array(threads) { arrayOfNulls<Pair<Counting, Boolean>>(perThread) }
                val workers = (0 until threads).map { t ->
                    thread(name = "adder-$t") {
                        barrier.await(10, TimeUnit.SECONDS)
                        for (i in 0 until perThread) {
                            val l = Counting(t * 100 + i + round % 7) // tags differ; some are 0
                            core.addListener(l, l.tag)
                            // remove every other one (sometimes racing the completion)
                            val removed = if ((i + t + round) % 2 == 0) core.removeListener(l) else false
                            results[t][i] = l to removed
                        }
                    }
                }
                barrier.await(10, TimeUnit.SECONDS)
                core.settle("v", null)
                workers.forEach { it.join(10_000) }
                for (t in 0 until threads) for (i in 0 until perThread) {
                    val (l, removed) = results[t][i]!!
                    val expected = if (removed) 0 else 1
                    assertEquals(expected, l.calls.get(), "round $round, listener ${l.tag} (removed: $removed)")
                    assertTrue(l.wrong == null, "round $round: ${l.wrong}")
                }
            }
        }
    }
}

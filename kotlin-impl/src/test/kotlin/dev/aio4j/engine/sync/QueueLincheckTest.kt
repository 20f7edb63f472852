package dev.aio4j.engine.sync

import org.jetbrains.lincheck.datastructures.IntGen
import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.Param
import org.jetbrains.lincheck.datastructures.Validate
import org.junit.jupiter.api.Test
import java.util.concurrent.atomic.AtomicIntegerArray
import java.util.concurrent.atomic.AtomicInteger

/**
 * Model checking of an unbounded FIFO [QueueCore] with waiting getters that are cancelled, as a
 * safety check: in every interleaving of putNowait, getNowait, get (a getter that stays queued)
 * and cancel of a getter, every item put is received exactly once or is still queued, no item
 * reaches a cancelled getter, and no getter is left waiting while items are queued (validated
 * after each run; items are unique).
 *
 * The operations return nothing because this part is not linearizable, by design: an item handed
 * to a getter whose future is cancelled at that moment travels back to the front of the queue,
 * and while it travels a put made later can be seen in the queue before it (Lincheck found the
 * history: get(0) waiting; putNowait(3) hands 3 to it; putNowait(2) finishes into the buffer;
 * cancel(0) answers true; the queue then holds [3, 2], which no sequential order produces). That
 * is the price of never handing an item to a cancelled getter and never losing it.
 */
@Param(name = "slot", gen = IntGen::class, conf = "0:1")
internal class QueueLincheckTest {
    private val q = QueueCore(0, QueueCore.FIFO, null) { IllegalStateException("shut down") }
    private val getters = LincheckSlots()
    private val nextItem = AtomicInteger()
    private val put = AtomicIntegerArray(MAX_ITEMS)
    private val received = AtomicIntegerArray(MAX_ITEMS)

    @Operation
    fun putNowait() {
        val item = nextItem.incrementAndGet()
        if (q.offer(item) == QueueCore.OK) put.incrementAndGet(item)
    }

    @Operation
    fun getNowait() {
        val x = q.poll()
        if (x != QueueCore.EMPTY) received.incrementAndGet(x as Int)
    }

    @Operation
    fun getWaiting(@Param(name = "slot") slot: Int) {
        getters.call(slot) { q.get() }.thenAccept { x -> received.incrementAndGet(x as Int) }
    }

    @Operation
    fun cancel(@Param(name = "slot") slot: Int) {
        getters.cancel(slot)
    }

    @Validate
    fun everyItemOnceAndNoGetterLeftBehind() {
        val queued = ArrayList<Int>()
        while (true) {
            val x = q.poll()
            if (x == QueueCore.EMPTY) break
            queued.add(x as Int)
        }
        for (x in queued) received.incrementAndGet(x)
        for (i in 0 until MAX_ITEMS) {
            check(received.get(i) == put.get(i)) { "item $i: put ${put.get(i)} times, received or queued ${received.get(i)} times" }
        }
        check(queued.isEmpty() || q.waiterCount() == 0) { "a getter waits while items were queued: $queued" }
    }

    @Test
    fun modelCheck() {
        LincheckBudget.options()
            .addCustomScenario { // an item handed to the first getter as it is cancelled, with more puts and gets around
                initial {
                    actor(::getWaiting, 0)
                    actor(::getWaiting, 1)
                }
                parallel {
                    thread { actor(::cancel, 0) }
                    thread {
                        actor(::putNowait)
                        actor(::getNowait)
                    }
                    thread { actor(::putNowait) }
                }
            }
            .check(this::class.java)
    }

    private companion object {
        const val MAX_ITEMS = 64
    }
}

/**
 * Model checking of a bounded (maxsize 1) FIFO [QueueCore] with waiting putters: every
 * interleaving of putNowait, put (a putter that stays queued), cancel of a putter, getNowait and
 * size is linearizable — a put is final once its item is admitted, a cancelled put's item never
 * enters — and no item is lost or doubled (validated: admitted = received + queued).
 *
 * Waiting getters are left out here: a getter cancelled as its item travels gives the item back
 * to the front, which can leave a bounded queue one item over maxsize for a moment — documented,
 * and not linearizable against a sequential queue that never exceeds maxsize.
 */
@Param(name = "slot", gen = IntGen::class, conf = "0:1")
@Param(name = "item", gen = IntGen::class, conf = "1:3")
internal class BoundedQueueLincheckTest {
    private val q = QueueCore(1, QueueCore.FIFO, null) { IllegalStateException("shut down") }
    private val putters = LincheckSlots()
    private val admitted = AtomicInteger()
    private val received = AtomicInteger()

    @Operation
    fun putNowait(@Param(name = "item") item: Int): Int {
        val r = q.offer(item)
        if (r == QueueCore.OK) admitted.incrementAndGet()
        return r
    }

    @Operation
    fun putWaiting(@Param(name = "slot") slot: Int, @Param(name = "item") item: Int) {
        putters.call(slot) { q.put(item) }.thenRun { admitted.incrementAndGet() }
    }

    @Operation
    fun cancel(@Param(name = "slot") slot: Int): Boolean = putters.cancel(slot)

    @Operation
    fun getNowait(): Int {
        val x = q.poll()
        if (x == QueueCore.EMPTY) return -1
        received.incrementAndGet()
        return x as Int
    }

    @Operation
    fun size(): Int = q.size()

    @Operation
    fun taskDone(): Boolean = try {
        q.taskDone()
        true
    } catch (e: IllegalStateException) {
        false
    }

    @Validate
    fun itemsAreConserved() {
        check(admitted.get() == received.get() + q.size()) { "item lost or doubled: admitted=$admitted received=$received $q" }
        check(q.size() <= 1) { "over maxsize: $q" }
    }

    @Test
    fun modelCheck() {
        LincheckBudget.options()
            .addCustomScenario { // a waiting put admitted by a get as it is cancelled
                initial {
                    actor(::putNowait, 1)
                    actor(::putWaiting, 0, 2)
                    actor(::putWaiting, 1, 3)
                }
                parallel {
                    thread { actor(::cancel, 0) }
                    thread {
                        actor(::getNowait)
                        actor(::getNowait)
                    }
                    thread { actor(::size) }
                }
            }
            .check(this::class.java)
    }
}

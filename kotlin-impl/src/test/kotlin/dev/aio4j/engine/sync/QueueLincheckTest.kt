package dev.aio4j.engine.sync

import org.jetbrains.lincheck.datastructures.IntGen
import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.Param
import org.jetbrains.lincheck.datastructures.Validate
import org.junit.jupiter.api.Test
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicIntegerArray

/** A [QueueCore] for the model-checking tests: poll's failures become -1 (empty) and -2 (shut down). */
private fun lincheckQueue(maxsize: Int) =
    QueueCore(maxsize, QueueCore.Kind.FIFO, null, { ShutDown() }, { Empty() })

private class ShutDown : RuntimeException(null, null, false, false)

private class Empty : RuntimeException(null, null, false, false)

private fun QueueCore.pollOrCode(): Int = try {
    poll() as Int
} catch (e: Empty) {
    -1
} catch (e: ShutDown) {
    -2
}

/** Counts, per item value, the items put (admitted) and the items received or left queued. */
private class Ledger(values: Int) {
    val put = AtomicIntegerArray(values + 1)
    val received = AtomicIntegerArray(values + 1)

    fun check(q: QueueCore) {
        while (true) {
            val x = q.pollOrCode()
            if (x < 0) break
            received.incrementAndGet(x)
        }
        for (i in 0 until put.length()) {
            check(put.get(i) == received.get(i)) { "item $i: put ${put.get(i)} times, received or queued ${received.get(i)} times; $q" }
        }
    }
}

/**
 * Two getters on a [StepLoop], one per slot; each slot is used once (a get into a used slot
 * answers -3 and does nothing), so every getter can be run and cancelled by the operations.
 */
private class GetterSlots(private val q: QueueCore, private val ledger: Ledger) {
    private val loop = StepLoop()
    private val slots = arrayOfNulls<CompletableFuture<Any?>>(2)

    /** Gets: the item if one was free, 0 if the getter waits (its item is counted when it arrives), -3 if the slot was used. */
    fun get(slot: Int): Int {
        val f = synchronized(this) {
            if (slots[slot] != null) return -3
            val f = q.get(loop)
            slots[slot] = f
            f
        }
        f.thenAccept { x -> ledger.received.incrementAndGet(x as Int) }
        return if (f.isDone) f.join() as Int else 0
    }

    private fun at(slot: Int): CompletableFuture<Any?>? = synchronized(this) { slots[slot] }

    fun cancel(slot: Int): Boolean = at(slot)?.cancel(false) ?: false

    /** Runs the delivery of the slot's getter, as its loop would: it takes its item if it was woken. */
    fun run(slot: Int) {
        (at(slot) as Runnable?)?.run() // deliverGet acts on a woken getter only, posted yet or not
    }
}

/**
 * Model checking of an unbounded FIFO [QueueCore] with waiting getters that are cancelled: every
 * interleaving of putNowait, getNowait, get (a getter that waits, on a [StepLoop]), the
 * delivery of a woken getter (where it takes its item), cancel of a getter and size is
 * linearizable. An item stays in the queue until a getter takes it, so a getter cancelled after
 * it was woken never makes an item disappear for a moment, reappear, or come out after an item
 * put later (the old hand-over failed this: the item travelled to the getter and back). Validated
 * after each run: every item put is received exactly once or still queued, and no getter waits
 * in line while items are free.
 */
@Param(name = "slot", gen = IntGen::class, conf = "0:1")
@Param(name = "item", gen = IntGen::class, conf = "1:3")
internal class QueueLincheckTest {
    private val q = lincheckQueue(0)
    private val ledger = Ledger(3)
    private val getters = GetterSlots(q, ledger)

    @Operation
    fun putNowait(@Param(name = "item") item: Int): QueueCore.Offer {
        val r = q.offer(item)
        if (r == QueueCore.Offer.OK) ledger.put.incrementAndGet(item)
        return r
    }

    @Operation
    fun getNowait(): Int {
        val x = q.pollOrCode()
        if (x > 0) ledger.received.incrementAndGet(x)
        return x
    }

    @Operation
    fun getWaiting(@Param(name = "slot") slot: Int): Int = getters.get(slot)

    @Operation
    fun cancel(@Param(name = "slot") slot: Int): Boolean = getters.cancel(slot)

    /** The woken getter in [slot] takes its item now (its delivery, which a loop would run). */
    @Operation
    fun deliver(@Param(name = "slot") slot: Int) = getters.run(slot)

    @Operation
    fun size(): Int = q.size()

    @Validate
    fun everyItemOnceAndNoGetterLeftBehind() {
        check(q.waiterCount() == 0 || q.size() <= q.reservedCount()) { "a getter waits while items are free: $q" }
        ledger.check(q)
    }

    @Test
    fun modelCheck() {
        LincheckBudget.options()
            .addCustomScenario { // a woken getter cancelled before it takes, with more puts and gets around
                initial {
                    actor(::getWaiting, 0)
                    actor(::getWaiting, 1)
                }
                parallel {
                    thread {
                        actor(::cancel, 0)
                        actor(::deliver, 1)
                    }
                    thread {
                        actor(::putNowait, 1)
                        actor(::getNowait)
                    }
                    thread {
                        actor(::putNowait, 2)
                        actor(::deliver, 0)
                    }
                }
            }
            .addCustomScenario { // one consumer: its woken get cancelled, then it gets again; the item must come first
                initial {
                    actor(::getWaiting, 0)
                    actor(::putNowait, 1)
                }
                parallel {
                    thread {
                        actor(::cancel, 0)
                        actor(::getWaiting, 1)
                    }
                    thread {
                        actor(::deliver, 0)
                        actor(::putNowait, 2)
                    }
                    thread { actor(::size) }
                }
            }
            .check(this::class.java)
    }
}

/**
 * Model checking of a bounded (maxsize 1) FIFO [QueueCore] with waiting putters and getters,
 * both cancelled: every interleaving of putNowait, put (a putter that waits), get (a getter that
 * waits, on a [StepLoop]), its delivery, their cancellation, getNowait and size is linearizable —
 * a put is final once its item is admitted, a cancelled put's item never enters, a cancelled get
 * leaves its item in place, a putter is admitted only when an item leaves. Validated: the queue
 * never holds more than maxsize items, and admitted = received + queued.
 */
@Param(name = "slot", gen = IntGen::class, conf = "0:1")
@Param(name = "item", gen = IntGen::class, conf = "1:3")
internal class BoundedQueueLincheckTest {
    private val q = lincheckQueue(1)
    private val putters = LincheckSlots()
    private val ledger = Ledger(3)
    private val getters = GetterSlots(q, ledger)

    @Operation
    fun putNowait(@Param(name = "item") item: Int): QueueCore.Offer {
        val r = q.offer(item)
        if (r == QueueCore.Offer.OK) ledger.put.incrementAndGet(item)
        return r
    }

    /** Puts: true if the item went in at once, else false (the putter waits; counted once admitted). */
    @Operation
    fun putWaiting(@Param(name = "slot") slot: Int, @Param(name = "item") item: Int): Boolean {
        val f = putters.call(slot) { q.put(item) }
        f.thenRun { ledger.put.incrementAndGet(item) }
        return f.isDone
    }

    @Operation
    fun cancelPut(@Param(name = "slot") slot: Int): Boolean = putters.cancel(slot)

    @Operation
    fun getWaiting(@Param(name = "slot") slot: Int): Int = getters.get(slot)

    @Operation
    fun cancelGet(@Param(name = "slot") slot: Int): Boolean = getters.cancel(slot)

    @Operation
    fun deliver(@Param(name = "slot") slot: Int) = getters.run(slot)

    @Operation
    fun getNowait(): Int {
        val x = q.pollOrCode()
        if (x > 0) ledger.received.incrementAndGet(x)
        return x
    }

    @Operation
    fun size(): Int = q.size()

    @Validate
    fun itemsAreConservedAndNeverOverMaxsize() {
        check(q.size() <= 1) { "over maxsize: $q" }
        ledger.check(q)
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
                    thread { actor(::cancelPut, 0) }
                    thread {
                        actor(::getNowait)
                        actor(::getNowait)
                    }
                    thread { actor(::size) }
                }
            }
            .addCustomScenario { // a woken getter cancelled while putters wait for room
                initial {
                    actor(::getWaiting, 0)
                    actor(::getWaiting, 1)
                    actor(::putNowait, 1)
                    actor(::putWaiting, 0, 2)
                }
                parallel {
                    thread { actor(::cancelGet, 0) }
                    thread {
                        actor(::deliver, 0)
                        actor(::deliver, 1)
                    }
                    thread {
                        actor(::size)
                        actor(::getNowait)
                    }
                }
            }
            .check(this::class.java)
    }
}

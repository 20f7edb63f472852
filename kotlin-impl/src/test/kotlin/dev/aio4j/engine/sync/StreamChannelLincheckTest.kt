package dev.aio4j.engine.sync

import org.jetbrains.lincheck.datastructures.IntGen
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions
import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.Param
import org.jetbrains.lincheck.datastructures.Validate
import org.junit.jupiter.api.Test
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicIntegerArray
import java.util.function.Consumer

/** What a send's future says when [StreamChannel.send] returns (or when it is looked at). */
internal enum class SendState { DONE, WAITING, FAILED }

private fun sendState(f: CompletableFuture<*>): SendState = when {
    !f.isDone -> SendState.WAITING
    f.isCompletedExceptionally -> SendState.FAILED
    else -> SendState.DONE
}

/** A receive's outcome as a number: the item (1..3), 0 still waiting, -1 the end, -2 failed or cancelled. */
private fun receiveCode(f: CompletableFuture<Any?>): Int = when {
    !f.isDone -> 0
    f.isCompletedExceptionally -> -2
    else -> (f.getNow(null) as Int?) ?: -1
}

/**
 * The model-checking test of one [StreamChannel] configuration: every interleaving of send (a
 * sender that may wait, in a slot), trySend, cancel of a waiting sender, receive (a receiver on a
 * [StepLoop], in a slot), cancel of a receiver, the delivery of a woken receiver (run as its own
 * operation, where the give-back rule acts), cancel of the channel (the consumer is gone) and
 * complete (the producer ended) is linearizable. Validated after each run, once every posted
 * delivery and discard has run and what the channel still holds has been received:
 *  - every item sent (any send; a trySend that answered OK) is exactly once received by a
 *    receiver, still held (buffered or by a queued sender), or passed to the discard consumer;
 *    a trySend that answered FULL or CLOSED left no trace;
 *  - no receiver saw the end while an item was still held, and no receiver waits while one is.
 */
@Param(name = "slot", gen = IntGen::class, conf = "0:1")
@Param(name = "item", gen = IntGen::class, conf = "1:3")
internal abstract class StreamChannelModel(
    capacity: Int,
    policy: StreamChannel.Policy,
    /** Random scenarios besides the custom ones (the three configurations share the time budget of one test). */
    private val iterations: Int,
) {
    private val loop = StepLoop()
    private val sent = AtomicIntegerArray(4)
    private val discarded = AtomicIntegerArray(4)
    private val ch = StreamChannel(loop, capacity, policy, Consumer { x -> discarded.incrementAndGet(x as Int) }, "lincheck")
    private val senders = LincheckSlots()
    private val receivers = arrayOfNulls<CompletableFuture<Any?>>(2)

    /** Sends [item]; the sender stays in [slot] (if free) so that [cancelSend] can withdraw it. */
    @Operation
    fun send(@Param(name = "slot") slot: Int, @Param(name = "item") item: Int): SendState {
        sent.incrementAndGet(item) // whatever the answer, the item is accepted, held or discarded
        var state = SendState.WAITING
        // the state as send returned it, read before the slot shows the sender to cancelSend
        senders.call(slot) { ch.send(item, false).also { state = sendState(it) } }
        return state
    }

    @Operation
    fun trySend(@Param(name = "item") item: Int): StreamChannel.TryResult {
        val r = ch.trySend(item)
        if (r == StreamChannel.TryResult.OK) sent.incrementAndGet(item)
        return r
    }

    /** Withdraws the sender in [slot]: true if it was still queued (its item is then discarded). */
    @Operation
    fun cancelSend(@Param(name = "slot") slot: Int): Boolean = senders.cancel(slot)

    /**
     * Receives into [slot] (each slot once: -3 if used): the outcome at once, 0 if the receiver
     * waits. The outcome is read before the slot shows the receiver to [deliver] and [cancelReceive].
     */
    @Operation
    fun receive(@Param(name = "slot") slot: Int): Int = synchronized(this) {
        if (receivers[slot] != null) return -3
        val f = ch.receive()
        receivers[slot] = f
        receiveCode(f)
    }

    @Operation
    fun cancelReceive(@Param(name = "slot") slot: Int): Boolean = receiver(slot)?.cancel(false) ?: false

    /**
     * Runs the delivery of the receiver in [slot] if it was woken, as its loop would. (Its outcome
     * is looked at in the end: whether the delivery is posted yet is no state of the channel.)
     */
    @Operation
    fun deliver(@Param(name = "slot") slot: Int) {
        val f = receiver(slot)
        if (f is Runnable) loop.runPosted(f) // else complete from the start
    }

    /** The consumer is gone. */
    @Operation
    fun cancel() = ch.cancel()

    /** The producer ended normally. */
    @Operation
    fun complete() = ch.complete(null)

    private fun receiver(slot: Int): CompletableFuture<Any?>? = synchronized(this) { receivers[slot] }

    @Validate
    fun everyItemExactlyOnce() {
        loop.drain()
        val received = IntArray(4)
        var endSeen = false
        var waiting = false
        for (f in receivers) {
            if (f == null) continue
            when (val x = receiveCode(f)) {
                -1 -> endSeen = true
                0 -> waiting = true
                else -> if (x > 0) received[x]++
            }
        }
        val held = IntArray(4)
        var heldCount = 0
        while (true) {
            val f = ch.receive()
            loop.drain()
            val x = receiveCode(f)
            if (x <= 0) break
            held[x]++
            heldCount++
        }
        check(!endSeen || heldCount == 0) { "a receiver saw the end while $heldCount item(s) were still held: $ch" }
        check(!waiting || heldCount == 0) { "a receiver waits while $heldCount item(s) are held: $ch" }
        for (v in 1..3) {
            check(sent[v] == received[v] + held[v] + discarded[v]) {
                "item $v: sent ${sent[v]} times; received ${received[v]}, still held ${held[v]}, discarded ${discarded[v]}; $ch"
            }
        }
    }

    /** The scenarios of the design's hardest edge case, then random ones. */
    fun options(): ModelCheckingOptions = LincheckBudget.options(iterations, 100)
        .addCustomScenario { // a receiver cancelled while its item is handed over, a new receive, and the end
            initial { actor(::receive, 0) }
            parallel {
                thread {
                    actor(::send, 0, 1)
                    actor(::complete)
                }
                thread {
                    actor(::cancelReceive, 0)
                    actor(::receive, 1)
                }
                thread {
                    actor(::deliver, 0)
                    actor(::deliver, 1)
                }
            }
        }
        .addCustomScenario { // an item accepted at the moment the consumer cancels
            initial {
                actor(::receive, 0)
                actor(::send, 0, 1)
            }
            parallel {
                thread {
                    actor(::send, 1, 2)
                    actor(::trySend, 3)
                }
                thread {
                    actor(::cancelReceive, 0)
                    actor(::cancel)
                }
                thread {
                    actor(::deliver, 0)
                    actor(::receive, 1)
                }
            }
        }
        .addCustomScenario { // queued senders withdrawn as a receiver takes them, then the end
            initial {
                actor(::send, 0, 1)
                actor(::send, 1, 2)
            }
            parallel {
                thread {
                    actor(::cancelSend, 1)
                    actor(::cancelSend, 0)
                }
                thread {
                    actor(::receive, 0)
                    actor(::complete)
                }
                thread {
                    actor(::receive, 1)
                    actor(::deliver, 1)
                }
            }
        }

    @Test
    fun modelCheck() {
        options().check(this::class.java)
    }
}

/** Rendezvous (capacity 0, SUSPEND): the channel of an iterator and of an unbuffered generator. */
internal class StreamChannelLincheckTest : StreamChannelModel(0, StreamChannel.Policy.SUSPEND, 1)

/** A buffer of one item, SUSPEND: a full buffer queues the sender. */
internal class StreamChannelBufferLincheckTest : StreamChannelModel(1, StreamChannel.Policy.SUSPEND, 1)

/** A buffer of one item, DROP_OLDEST: a full buffer discards its head. */
internal class StreamChannelDropLincheckTest : StreamChannelModel(1, StreamChannel.Policy.DROP_OLDEST, 1)

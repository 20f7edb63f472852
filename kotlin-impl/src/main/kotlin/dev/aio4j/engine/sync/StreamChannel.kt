package dev.aio4j.engine.sync

import dev.aio4j.engine.LoopCore
import dev.aio4j.engine.LoopFuture
import java.nio.BufferOverflowException
import java.util.ArrayDeque
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.function.Consumer

/**
 * The hand-off core of one `AsyncStream` run: between a producer (a generator's `emit`, a `push`
 * sink, a buffer's pump) and the one consumer that pulls (`receive`). Items are never null; a
 * receive completing with null means the end.
 *
 * Every change of state happens under the channel's monitor; futures complete outside it, posted
 * to the run's loop, so a continuation never runs inside the code that emitted or received.
 *
 * - **Hand-over.** An item goes to the first waiting receiver, else into the buffer if it has
 *   room (`capacity`, 0 = rendezvous), else by the [Policy]: `SUSPEND` queues the sender (its
 *   future completes when a receiver takes the item or a buffer slot frees), the `DROP_*`
 *   policies drop an item to [discard], `FAIL` ends the stream with `BufferOverflowException`
 *   after the items already buffered.
 * - **Receivers: the give-back rule.** A receiver is unlinked and handed its item under the
 *   monitor; if its future is cancelled before the delivery took the item, the item goes (at
 *   the cancel, under the monitor) to the next waiting receiver or back to the front of the
 *   buffer. A delivery that finds the channel cancelled discards the item and completes the
 *   receiver cancelled.
 * - **Senders: the commit rule.** A sender is accepted the moment a receiver or a buffer slot
 *   takes its item (cancelling it then returns false); a sender withdrawn while still queued was
 *   never accepted, and its item goes to [discard]. In a rendezvous (capacity 0) the future of an
 *   emit whose item was taken completes at the consumer's *next* receive, as a generator's
 *   `yield` resumes when the next item is asked for: an unbuffered pipeline of generators runs
 *   one item at a time, and a buffer is what lets a producer run ahead. If the consumer goes
 *   away instead, that future fails with `CancellationException` (the item was delivered).
 * - **End.** [complete] (the producer ended, normally or with a failure) is seen by receivers
 *   after every item buffered or still held by a queued sender. [cancel] (the consumer is gone)
 *   discards all of those, fails queued senders and receivers with `CancellationException`, and
 *   every later send is discarded and fails the same way.
 * - [discard] runs on the loop (posted when the channel is used from another thread); if it
 *   throws, the loop's exception handler hears of it. Each dropped item reaches it exactly once.
 */
public class StreamChannel(
    private val loop: LoopCore,
    /** Items the buffer holds without a waiting receiver; 0 = rendezvous. */
    @JvmField public val capacity: Int,
    private val policy: Policy,
    private val discard: Consumer<Any>?,
    /** What `toString()` calls this channel ("buffer"). */
    private val label: String,
) {
    /** What happens to an item that finds the buffer full. */
    public enum class Policy { SUSPEND, DROP_OLDEST, DROP_LATEST, FAIL }

    /** The outcome of [trySend]. */
    public enum class TryResult { OK, FULL, CLOSED }

    private val buffer = ArrayDeque<Any>()
    private val receivers = WaitList()
    private val senders = WaitList()
    private var ended = false
    private var endError: Throwable? = null
    private var peak = 0
    private var roomCallback: Runnable? = null

    /** Rendezvous: the sender whose item was taken last; its emit completes at the consumer's next receive (the generator resumes when the next item is asked for, as a `yield` does). */
    private var taken: Waiter<*>? = null

    @Volatile
    private var cancelledFlag = false

    /** True once the consumer is gone ([cancel]). */
    public val isCancelled: Boolean get() = cancelledFlag

    /** True once the producer side is closed ([complete], or a `FAIL` overflow). */
    public val isEnded: Boolean get() = synchronized(this) { ended }

    // ---------------------------------------------------------------- producer side

    /**
     * Emits [item]: a future that completes when the item is accepted (taken by a receiver or
     * into the buffer), or fails with `CancellationException` if the consumer is gone (the item
     * is then discarded). [force] admits the item even when the buffer is full (a pump that
     * waited for room with [awaitRoom]).
     */
    public fun send(item: Any, force: Boolean): CompletableFuture<Void?> {
        var deliver: Waiter<*>? = null
        var accepted: Waiter<*>? = null
        var dropped: Any? = null
        var room: Runnable? = null
        val result: CompletableFuture<Void?>
        synchronized(this) {
            if (cancelledFlag || ended) {
                dropped = item
                result = failedVoid(CancellationException("the stream's consumer is gone: the item was not accepted"))
            } else {
                val r = receivers.poll()
                if (r != null) {
                    r.value = item
                    deliver = r
                    if (force) {
                        result = Ready.VOID
                    } else if (capacity == 0) {
                        val w = SendWaiter(this, loop)
                        accepted = taken
                        taken = w
                        result = w
                    } else {
                        // accepted once the receiver has it (or it went back into the buffer)
                        val w = SendWaiter(this, loop)
                        (r as RecvWaiter).sender = w
                        result = w
                    }
                } else if (force || buffer.size < capacity) {
                    add(item)
                    result = Ready.VOID
                } else {
                    when (policy) {
                        Policy.SUSPEND -> {
                            val w = SendWaiter(this, loop)
                            w.value = item
                            senders.add(w)
                            result = w
                        }
                        Policy.DROP_OLDEST -> {
                            dropped = buffer.pollFirst()
                            add(item)
                            result = Ready.VOID
                        }
                        Policy.DROP_LATEST -> {
                            dropped = item
                            result = Ready.VOID
                        }
                        Policy.FAIL -> {
                            dropped = item
                            val e = overflow()
                            room = endLocked(e)
                            result = failedVoid(e)
                        }
                    }
                }
            }
        }
        deliver?.dispatch()
        accepted?.dispatch()
        dropped?.let { discardItem(it) }
        room?.run()
        return result
    }

    /** Emits [item] if that needs no waiting: OK (taken or buffered, or dropped by a `DROP_*` policy), FULL (not taken), CLOSED. */
    public fun trySend(item: Any): TryResult {
        var deliver: Waiter<*>? = null
        var dropped: Any? = null
        var room: Runnable? = null
        val result: TryResult
        synchronized(this) {
            if (cancelledFlag || ended) return TryResult.CLOSED
            val r = receivers.poll()
            if (r != null) {
                r.value = item
                deliver = r
                result = TryResult.OK
            } else if (buffer.size < capacity) {
                add(item)
                result = TryResult.OK
            } else {
                result = when (policy) {
                    Policy.SUSPEND -> TryResult.FULL
                    Policy.DROP_OLDEST -> {
                        dropped = buffer.pollFirst()
                        add(item)
                        TryResult.OK
                    }
                    Policy.DROP_LATEST -> {
                        dropped = item
                        TryResult.OK
                    }
                    Policy.FAIL -> {
                        room = endLocked(overflow())
                        TryResult.FULL
                    }
                }
            }
        }
        deliver?.dispatch()
        dropped?.let { discardItem(it) }
        room?.run()
        return result
    }

    /** The producer ended: normally ([error] null) or with [error]. Receivers see it after every item still held. Ignored once ended or cancelled. */
    public fun complete(error: Throwable?) {
        val chain: Waiter<*>?
        val room: Runnable?
        synchronized(this) {
            if (ended || cancelledFlag) return
            room = endLocked(error)
            chain = if (buffer.isEmpty() && senders.isEmpty) drainReceiversLocked() else null
        }
        WaitList.dispatchChain(chain)
        room?.run()
    }

    private fun endLocked(error: Throwable?): Runnable? {
        ended = true
        endError = error
        val r = roomCallback
        roomCallback = null
        return r
    }

    private fun drainReceiversLocked(): Waiter<*>? {
        val first = receivers.detachAll()
        var w = first
        while (w != null) {
            w.value = null
            w.failure = endError
            w = w.next
        }
        return first
    }

    /**
     * Calls [callback] (on the thread that makes room; it hops to the loop itself) once the
     * buffer has room or a receiver waits, and returns false; returns true at once, without
     * keeping [callback], if there is room now or the channel is ended or cancelled. One callback
     * at a time (the pump's).
     */
    public fun awaitRoom(callback: Runnable): Boolean = synchronized(this) {
        if (cancelledFlag || ended || buffer.size < capacity || !receivers.isEmpty) {
            true
        } else {
            roomCallback = callback
            false
        }
    }

    // ---------------------------------------------------------------- consumer side

    /** The next item; null at the end; the producer's failure; `CancellationException` once cancelled. */
    public fun receive(): CompletableFuture<Any?> {
        var accepted: Waiter<*>? = null
        var previous: Waiter<*>? = null
        var room: Runnable? = null
        val result: CompletableFuture<Any?>
        synchronized(this) {
            previous = taken
            taken = null
            val head = buffer.pollFirst()
            if (head != null) {
                val s = senders.poll()
                if (s != null) {
                    add(s.value!!)
                    s.value = null
                    accepted = s
                } else {
                    room = roomCallback
                    roomCallback = null
                }
                result = Ready(head)
            } else {
                val s = senders.poll()
                when {
                    s != null -> {
                        val item = s.value!!
                        s.value = null
                        if (capacity == 0) taken = s else accepted = s
                        result = Ready(item)
                    }
                    cancelledFlag -> result = failedAny(CancellationException("the stream was cancelled"))
                    ended -> result = endError.let { if (it == null) Ready(null) else failedAny(it) }
                    else -> {
                        val w = RecvWaiter(this, loop)
                        receivers.add(w)
                        room = roomCallback
                        roomCallback = null
                        result = w
                    }
                }
            }
        }
        previous?.dispatch()
        accepted?.dispatch()
        room?.run()
        return result
    }

    /** The consumer is gone: discards what is held, fails queued senders and receivers with `CancellationException`. Idempotent. */
    public fun cancel() {
        val items: List<Any>
        val sendChain: Waiter<*>?
        val recvChain: Waiter<*>?
        val room: Runnable?
        val lastTaken: Waiter<*>?
        synchronized(this) {
            if (cancelledFlag) return
            cancelledFlag = true
            items = ArrayList(buffer)
            buffer.clear()
            sendChain = senders.detachAll()
            recvChain = receivers.detachAll()
            lastTaken = taken
            taken = null
            room = roomCallback
            roomCallback = null
        }
        val gone = CancellationException("the stream's consumer is gone")
        var w = sendChain
        val dropped = ArrayList<Any>(items)
        while (w != null) {
            w.value?.let { dropped.add(it) }
            w.value = null
            w.failure = CancellationException("the stream's consumer is gone: the item was not accepted")
            w = w.next
        }
        w = recvChain
        while (w != null) {
            w.failure = gone
            w = w.next
        }
        if (lastTaken != null) {
            // its item was delivered; the generator, suspended at that emit, learns that the consumer is gone
            lastTaken.failure = CancellationException("the stream's consumer is gone")
            lastTaken.dispatch()
        }
        WaitList.dispatchChain(sendChain)
        WaitList.dispatchChain(recvChain)
        for (x in dropped) discardItem(x)
        room?.run()
    }

    // ---------------------------------------------------------------- waiters' calls

    /**
     * An item a withdrawn receiver was handed, under the monitor: to the next waiting receiver
     * (returned, to dispatch), else the front of the buffer (null); [DROPPED] if the channel is cancelled.
     */
    private fun giveBackLocked(item: Any): Any? {
        if (cancelledFlag) return DROPPED
        val r = receivers.poll()
        if (r != null) {
            r.value = item
            return r
        }
        buffer.addFirst(item)
        if (buffer.size > peak) peak = buffer.size
        return null
    }

    /** After [giveBackLocked], outside the monitor: dispatches the receiver handed [item], or discards it; false if discarded. */
    private fun handedBack(item: Any, next: Any?): Boolean {
        if (next === DROPPED) {
            discardItem(item)
            return false
        }
        (next as Waiter<*>?)?.dispatch()
        return true
    }

    /**
     * Withdraws a receiver (its future cancelled or failed), deciding under the monitor: it
     * leaves the list, and an item it was handed goes back at once (to the next waiting receiver
     * or the front of the buffer), not when its posted delivery runs; false once that delivery has
     * taken the item (the future completes with it a moment later). So a receive made after the
     * cancel (the consumer's next call) finds the item first: before an item sent later and before
     * the end. (Given back by the delivery, it let `complete` and a new receive see an empty
     * channel meanwhile: the consumer saw the end with the item still to come, or a later item
     * first.)
     */
    internal fun withdrawReceiver(w: RecvWaiter, error: Throwable?): Boolean {
        val item: Any?
        val sender: Waiter<*>?
        var next: Any? = null
        var again = false
        synchronized(this) {
            if (w.taken) return false
            again = w.withdrawn
            w.withdrawn = true
            receivers.remove(w)
            item = w.value
            w.value = null
            sender = w.sender
            w.sender = null
            if (item != null) next = giveBackLocked(item)
        }
        if (again) return error == null && w.cancelInternal() // a concurrent withdrawal decided: cancelled
        val ok = if (error == null) w.cancelInternal() else w.failInternal(error)
        if (item != null) {
            val kept = handedBack(item, next)
            if (sender != null) {
                if (!kept) sender.failure = CancellationException("the stream's consumer is gone: the item was not accepted")
                sender.dispatch()
            }
        }
        return ok
    }

    /** The item of a sender still queued (then unlinked), or null if it was already accepted or failed. */
    internal fun unlinkSender(w: Waiter<*>): Any? = synchronized(this) {
        if (senders.remove(w)) {
            val item = w.value
            w.value = null
            item
        } else {
            null
        }
    }

    /** Passes a dropped item to the discard consumer, on the loop. */
    internal fun discardItem(item: Any) {
        val d = discard ?: return
        if (loop.isLoopThread()) runDiscard(d, item) else loop.post { runDiscard(d, item) }
    }

    private fun runDiscard(d: Consumer<Any>, item: Any) {
        try {
            d.accept(item)
        } catch (t: Throwable) {
            loop.reportError("exception in an AsyncStream onDiscard consumer", t)
        }
    }

    private fun add(item: Any) {
        buffer.addLast(item)
        if (buffer.size > peak) peak = buffer.size
    }

    private fun overflow(): BufferOverflowException = BufferOverflowException()

    // ---------------------------------------------------------------- stats

    /** Items in the buffer now. */
    public fun size(): Int = synchronized(this) { buffer.size }

    /** The most items the buffer has held at once. */
    public fun peakSize(): Int = synchronized(this) { peak }

    override fun toString(): String = synchronized(this) {
        val state = when {
            cancelledFlag -> ", cancelled"
            ended -> ", ended"
            else -> ""
        }
        "$label[size=${buffer.size}, capacity=$capacity, peakSize=$peak$state]"
    }

    private companion object {
        /** What [giveBackLocked] answers when the channel is cancelled (the item is to be discarded). */
        val DROPPED = Any()

        fun failedVoid(e: Throwable): CompletableFuture<Void?> = FailedFuture(e)
        fun failedAny(e: Throwable): CompletableFuture<Any?> = FailedFuture(e)
    }
}

/** A future failed from the start (a send to a closed channel, a receive after the end). */
internal class FailedFuture<T>(error: Throwable) : LoopFuture<T>(null) {
    init {
        failInternal(error)
    }

    override fun toString(): String = "AsyncStream[failed]"
}

/** A receive waiting for an item: the give-back rule. */
internal class RecvWaiter(private val owner: StreamChannel, loop: LoopCore) : Waiter<Any?>(loop) {
    override val what: String get() = "AsyncIterator.next()"

    override fun awaitedDescription(): String = owner.toString()

    /** The emit whose item this receiver was handed directly (a buffered channel): accepted once the delivery ran. */
    @JvmField internal var sender: Waiter<*>? = null

    /** Set under the channel's monitor by the delivery, which then completes the future with what it was handed (a withdrawal now answers false). */
    @JvmField internal var taken = false

    /** Set under the channel's monitor by the withdrawal, which gave back what the receiver was handed (the delivery then does nothing). */
    @JvmField internal var withdrawn = false

    override fun deliver() {
        val v: Any?
        val s: Waiter<*>?
        synchronized(owner) {
            if (withdrawn) return
            taken = true
            v = value
            value = null
            s = sender
            sender = null
        }
        val e = failure
        if (e != null) {
            failInternal(e)
            return
        }
        if (v != null && owner.isCancelled) {
            owner.discardItem(v)
            failInternal(CancellationException("the stream was cancelled"))
            if (s != null) {
                s.failure = CancellationException("the stream's consumer is gone: the item was not accepted")
                s.dispatch()
            }
            return
        }
        completeInternal(v) // never refused: a withdrawal after `taken` answers false
        s?.dispatch()
    }

    override fun withdraw(error: Throwable?): Boolean = owner.withdrawReceiver(this, error)

    override fun refused() {}

    override fun unlink() {} // not used: withdrawReceiver unlinks under the monitor
}

/** An emit waiting for its item to be accepted: the commit rule. */
internal class SendWaiter(private val owner: StreamChannel, loop: LoopCore) : Waiter<Void?>(loop) {
    override val what: String get() = "Emitter.emit()"

    override fun awaitedDescription(): String = owner.toString()

    override fun withdraw(error: Throwable?): Boolean {
        val item = owner.unlinkSender(this) ?: return withdrawIfQueued(false, error)
        val ok = withdrawIfQueued(true, error)
        owner.discardItem(item)
        return ok
    }

    override fun refused() {}

    override fun unlink() {}
}

/**
 * A future of a stream run that the stream's own code completes ([succeed], [fail]) and that
 * belongs to the run's loop: a task awaiting it on a test loop does not count it as outside work,
 * and cancelling a stage derived from it cancels it first (it is then cancelled; the stream code
 * that completes it sees that and reacts).
 */
public class StreamFuture<T> @JvmOverloads constructor(
    loop: LoopCore,
    /** What a task awaiting this future waits for, in dumps (a pump: the channel it fills); null: the future itself. */
    private val what: Any? = null,
) : LoopFuture<T>(loop) {
    /** For dumps: what a task awaiting this future waits for. */
    public fun describeAwaited(): String = what?.toString() ?: toString()

    /** Completes it with [value]; false if it was already complete. */
    public fun succeed(value: T): Boolean = completeInternal(value)

    /** Completes it with [error] (a `CancellationException` cancels it); false if it was already complete. */
    public fun fail(error: Throwable): Boolean = failInternal(error)

    override fun readOnlyMessage(method: String): String =
        "$method: this future belongs to an AsyncStream run, which completes it; cancel() gives it up"

    override fun toString(): String {
        return "AsyncStream.future[${stateWord()}]"
    }
}

package dev.aio4j.benchmarks

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield

/**
 * The raw-kotlinx baselines of the JMH micro-benchmarks (`dev.aio4j.benchmarks.jmh`): each runs a
 * batch of [k] operations inside one `runBlocking` (one thread), as the aio4j side runs its batch
 * inside one `Loop.run`.
 */
public object KotlinMicro {
    private val TEN_DONE: List<Deferred<Int>> = List(10) { CompletableDeferred(it) }

    /** [k] coroutines (`async { 1 }`) started and completed. */
    @JvmStatic
    public fun taskStart(k: Int): Int = runBlocking {
        var last: Deferred<Int>? = null
        repeat(k) { last = async { 1 } }
        last!!.await()
    }

    /** [k] coroutines each awaiting all of 10 completed deferreds (a gather of 10 done). */
    @JvmStatic
    public fun gatherOfTenDone(k: Int): List<Int> = runBlocking {
        var last: Deferred<List<Int>>? = null
        repeat(k) { last = async { TEN_DONE.awaitAll() } }
        last!!.await()
    }

    /** [k] times: 10 new coroutines and one more awaiting all of them (a gather of 10 tasks). */
    @JvmStatic
    public fun gatherOfTenTasks(k: Int): List<Int> = runBlocking {
        var last: Deferred<List<Int>>? = null
        repeat(k) {
            val ten = List(10) { async { 1 } }
            last = async { ten.awaitAll() }
        }
        last!!.await()
    }

    /** [k] coroutines that await a deferred under a 1 s `withTimeout`; the deferred completes at once. */
    @JvmStatic
    public fun timeoutNotFiring(k: Int): Int = runBlocking {
        var last: Deferred<Int>? = null
        repeat(k) {
            val cd = CompletableDeferred<Int>()
            last = async(start = CoroutineStart.UNDISPATCHED) { withTimeout(1000) { cd.await() } }
            cd.complete(1)
        }
        last!!.await()
    }

    /** [k] `yield()` round trips of one coroutine. */
    @JvmStatic
    public fun yieldRoundTrip(k: Int): Int = runBlocking {
        repeat(k) { yield() }
        k
    }

    /** [k] uncontended `Mutex` lock/unlock pairs. */
    @JvmStatic
    public fun mutexPair(k: Int): Int = runBlocking {
        val m = Mutex()
        repeat(k) {
            m.lock()
            m.unlock()
        }
        k
    }

    /** [k] `Channel(1024)` send/receive pairs that never suspend. */
    @JvmStatic
    public fun channelPair(k: Int): Long = runBlocking {
        val ch = Channel<Int>(1024)
        var s = 0L
        repeat(k) {
            ch.send(it)
            s += ch.receive()
        }
        s
    }
}

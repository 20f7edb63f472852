package dev.aio4j.benchmarks

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.FlowPreview
import kotlinx.coroutines.flow.asFlow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.flatMapMerge
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.fold
import kotlinx.coroutines.flow.transform
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.Semaphore
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.yield
import java.util.concurrent.atomic.AtomicInteger

/**
 * The workloads written directly on kotlinx-coroutines, as a Kotlin user would: `kotlin-st` inside
 * `runBlocking` (its event loop, the calling thread only), `kotlin-mt` in `runBlocking(Dispatchers.Default)`.
 * The baseline aio4j is measured against.
 */
@OptIn(FlowPreview::class, ExperimentalCoroutinesApi::class)
internal class KotlinPeer(private val multiThreaded: Boolean) : Peer {
    override fun name(): String = if (multiThreaded) "kotlin-mt" else "kotlin-st"

    override fun skipReason(w: Workload): String? = null

    private fun <T> inScope(block: suspend CoroutineScope.() -> T): T =
        if (multiThreaded) runBlocking(Dispatchers.Default, block) else runBlocking(block = block)

    override fun run(w: Workload, n: Int): Long = when (w) {
        Workload.W1 -> inScope {
            List(n) { i -> async { delay(50); i } }.awaitAll().sumOf { it.toLong() }
        }
        Workload.W2 -> inScope {
            List(n) { i -> async { yield(); i } }.awaitAll().sumOf { it.toLong() }
        }
        Workload.W3 -> inScope {
            val sem = Semaphore(Workload.PERMITS)
            val section = Section(Workload.PERMITS)
            coroutineScope {
                repeat(n) {
                    launch {
                        sem.acquire()
                        try {
                            section.enter()
                            yield()
                            section.leave()
                        } finally {
                            sem.release()
                        }
                    }
                }
            }
            section.passed()
        }
        Workload.W4 -> inScope {
            val ch = Channel<Int>(Workload.QUEUE_CAPACITY)
            launch {
                for (i in 0 until n) ch.send(i)
                repeat(Workload.CONSUMERS) { ch.send(-1) }
            }
            List(Workload.CONSUMERS) {
                async {
                    var s = 0L
                    while (true) {
                        val x = ch.receive()
                        if (x < 0) break
                        s += x
                    }
                    s
                }
            }.awaitAll().sum()
        }
        Workload.W5 -> inScope {
            val patience = Workload.w5PatienceMillis()
            val never = List(n) { i -> async { withTimeoutOrNull(patience) { delay(10); i } } }
            val fire = List(n) { i -> async { withTimeoutOrNull(20) { delay(10_000); i } } }
            never.awaitAll().sumOf { it?.toLong() ?: Workload.W5_WRONG } +
                fire.awaitAll().sumOf { if (it == null) 1L else Workload.W5_WRONG }
        }
        Workload.W6 -> inScope {
            val mutex = Mutex()
            var counter = 0L
            coroutineScope {
                repeat(n) {
                    launch {
                        repeat(Workload.LOCK_ROUNDS) {
                            mutex.withLock {
                                yield()
                                counter++
                            }
                        }
                    }
                }
            }
            mutex.withLock { counter }
        }
        Workload.W7 -> inScope {
            (0 until n).asFlow()
                .buffer(Workload.STREAM_BUFFER)
                .flatMapMerge(Workload.STREAM_WORKERS) { x -> flow { yield(); emit(x) } }
                .fold(0L) { s, x -> s + x }
        }
        Workload.W8 -> inScope {
            flow { for (i in 0 until n) emit(i) } // gen_1
                .buffer(1)
                .transform { emit(it * 2) } // gen_2
                .buffer(1)
                .transform { emit(it + 3) } // gen_3
                .buffer(1)
                .fold(0L) { s, x -> s + x }
        }
    }

    override fun sleepingTasks(n: Int, sleepMillis: Long, whilePending: Runnable): Long = inScope {
        val started = AtomicInteger()
        val tasks = List(n) { i -> async { started.incrementAndGet(); delay(sleepMillis); i } }
        val all = async { tasks.awaitAll().sumOf { it.toLong() } }
        while (started.get() < n) if (multiThreaded) delay(5) else yield()
        if (!multiThreaded) yield() // let `all` register on every task, as Async.gather does when created
        whilePending.run()
        all.await()
    }
}

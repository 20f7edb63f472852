package dev.aio4j.engine

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlin.coroutines.EmptyCoroutineContext

/**
 * The process-wide multi-threaded loop: task code runs on `Dispatchers.Default`'s workers (as
 * many as cores), timers on one daemon thread that hands each expiry to a worker. It never closes.
 */
public class SharedLoopCore private constructor() : LoopCore("shared") {
    override val registry: TaskRegistry = TaskRegistry(true)
    override val isSingleThreaded: Boolean get() = false
    override val isClosed: Boolean get() = false
    override val dispatcher: CoroutineDispatcher = Dispatchers.Default

    private val timer = SharedTimer()
    private val depth: ThreadLocal<IntArray?> = ThreadLocal.withInitial { if (isWorker(Thread.currentThread())) IntArray(1) else null }
    private val current = ThreadLocal<TaskCore?>()

    override fun isLoopThread(): Boolean = isWorker(Thread.currentThread())

    override fun post(r: Runnable) {
        Dispatchers.Default.dispatch(EmptyCoroutineContext, r)
    }

    override fun postYield(r: Runnable) {
        Dispatchers.Default.dispatchYield(EmptyCoroutineContext, r)
    }

    override fun launch(core: TaskCore) {
        registry.add(core)
        if (core.startsInline) core.startNow() else post(core)
    }

    override fun deliver(target: TaskCore, tag: Int, value: Any?, error: Throwable?) {
        val d = depth.get()
        if (d != null && d[0] < MAX_INLINE_DEPTH) {
            d[0]++
            try {
                target.onChildDoneGuarded(tag, value, error)
            } finally {
                d[0]--
            }
        } else {
            post(Delivery(target, tag, value, error))
        }
    }

    override fun currentTask(): TaskCore? = current.get()

    override fun setCurrentTask(core: TaskCore?) {
        if (core == null) current.remove() else current.set(core)
    }

    override fun schedule(node: TimerNode, delayNanos: Long) {
        timer.schedule(node, delayNanos)
    }

    override fun unschedule(node: TimerNode) {
        timer.unschedule(node)
    }

    override fun close() {
        throw IllegalStateException("the shared loop cannot be closed; create your own with Loop.create(name) if you need to close one")
    }

    override fun toString(): String = "Loop[shared, multi-threaded]"

    /** One daemon thread that keeps the shared loop's timers and hands each expiry to a worker. */
    private inner class SharedTimer {
        private val heap = TimerHeap()
        private val lock = Object()
        private var thread: Thread? = null

        fun schedule(node: TimerNode, delayNanos: Long) {
            val deadline = System.nanoTime() + Delays.clamp(delayNanos)
            synchronized(lock) {
                node.deadline = deadline
                heap.add(node)
                if (thread == null) {
                    thread = Thread(::runTimers, "aio4j-shared-timer").apply {
                        isDaemon = true
                        start()
                    }
                }
                if (heap.peek() === node) lock.notify()
            }
        }

        fun unschedule(node: TimerNode) {
            synchronized(lock) { heap.remove(node) }
        }

        private fun runTimers() {
            val due = ArrayList<TimerNode>()
            while (true) {
                synchronized(lock) {
                    while (true) {
                        val head = heap.peek()
                        if (head == null) {
                            lock.wait()
                            continue
                        }
                        val wait = head.deadline - System.nanoTime()
                        if (wait > 0) {
                            lock.wait(wait / 1_000_000, (wait % 1_000_000).toInt())
                            continue
                        }
                        break
                    }
                    val now = System.nanoTime()
                    while (true) {
                        val head = heap.peek() ?: break
                        if (head.deadline - now > 0) break
                        heap.poll()
                        due.add(head)
                        if (due.size >= 4096) break
                    }
                }
                for (n in due) post(n)
                due.clear()
            }
        }
    }

    public companion object {
        private val workerClass: Class<*> = runBlocking(Dispatchers.Default) { Thread.currentThread().javaClass }

        @JvmField
        public val INSTANCE: SharedLoopCore = SharedLoopCore()

        internal fun isWorker(t: Thread): Boolean = t.javaClass === workerClass

        internal fun currentOnThread(): SharedLoopCore? = if (isWorker(Thread.currentThread())) INSTANCE else null
    }
}

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
    /** Per worker thread: inline-delivery depth and the task whose body runs; null off the workers. */
    private class WorkerState {
        @JvmField var depth = 0
        @JvmField var current: TaskCore? = null
    }

    private val state: ThreadLocal<WorkerState?> = ThreadLocal.withInitial { if (isWorker(Thread.currentThread())) WorkerState() else null }
    private val offWorkerCurrent = ThreadLocal<TaskCore?>()

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
        val w = state.get()
        if (w != null && w.depth < MAX_INLINE_DEPTH) {
            w.depth++
            try {
                target.onChildDoneGuarded(tag, value, error)
            } finally {
                w.depth--
            }
        } else {
            post(Delivery(target, tag, value, error))
        }
    }

    override fun currentTask(): TaskCore? {
        val w = state.get()
        return if (w != null) w.current else offWorkerCurrent.get()
    }

    override fun setCurrentTask(core: TaskCore?) {
        val w = state.get()
        if (w != null) w.current = core else offWorkerCurrent.set(core)
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
        private val heap = TimerQueue()
        private val lock = Object()
        private var thread: Thread? = null

        fun schedule(node: TimerNode, delayNanos: Long) {
            val d = Delays.clamp(delayNanos)
            synchronized(lock) {
                node.deadline = System.nanoTime() + d // under the lock: a lane's deadlines arrive in order
                heap.add(node, d)
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
            var due = ArrayList<TimerNode>(BATCH)
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
                        if (due.size >= BATCH) break
                    }
                }
                // one worker fires a batch in deadline order (a sleep before the timeout that races it)
                post(TimerBatch(due))
                due = ArrayList(BATCH)
            }
        }
    }

    private class TimerBatch(private val due: List<TimerNode>) : Runnable {
        override fun run() {
            for (n in due) {
                try {
                    n.run()
                } catch (t: Throwable) {
                    INSTANCE.reportError("exception in a timer callback", t)
                }
            }
        }
    }

    public companion object {
        private const val BATCH = 256
        private val workerClass: Class<*> = runBlocking(Dispatchers.Default) { Thread.currentThread().javaClass }

        @JvmField
        public val INSTANCE: SharedLoopCore = SharedLoopCore()

        internal fun isWorker(t: Thread): Boolean = t.javaClass === workerClass

        internal fun currentOnThread(): SharedLoopCore? = if (isWorker(Thread.currentThread())) INSTANCE else null
    }
}

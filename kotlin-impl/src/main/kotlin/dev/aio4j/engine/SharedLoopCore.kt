package dev.aio4j.engine

import dev.aio4j.engine.sync.Waiter
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlin.coroutines.EmptyCoroutineContext

/**
 * The process-wide multi-threaded loop: task code runs on `Dispatchers.Default`'s workers (as
 * many as cores), timers on one daemon thread that hands each expiry to a worker. It never closes.
 */
public class SharedLoopCore private constructor() : LoopCore("shared", DebugSettings.FROM_SYSTEM_PROPERTY, null) {
    private val stepCount: java.util.concurrent.atomic.LongAdder? = if (debug != null) java.util.concurrent.atomic.LongAdder() else null

    init {
        LoopCore.opened(this)
    }

    override fun stepsTotal(): Long = stepCount?.sum() ?: 0L

    override fun timerCount(): Int = timer.size()

    override val registry: TaskRegistry = TaskRegistry(true)
    override val isSingleThreaded: Boolean get() = false
    override val isClosed: Boolean get() = false
    override val dispatcher: CoroutineDispatcher = Dispatchers.Default

    private val timer = SharedTimer()
    /**
     * Per worker thread: how many of this loop's runnables are running ([running]), the inline-delivery
     * depth and the task whose body runs; null off the workers. A worker is on this loop only while
     * one of these is set: the same workers also run plain kotlinx coroutines and `Dispatchers.IO`'s
     * blocking work, which are not loop code.
     */
    private class WorkerState {
        @JvmField var running = 0
        @JvmField var depth = 0
        @JvmField var current: TaskCore? = null

        val onLoop: Boolean get() = running > 0 || depth > 0 || current != null
    }

    private val state: ThreadLocal<WorkerState?> = ThreadLocal.withInitial { if (isWorker(Thread.currentThread())) WorkerState() else null }
    private val offWorkerCurrent = ThreadLocal<TaskCore?>()

    override fun isLoopThread(): Boolean = isWorker(Thread.currentThread())

    override fun post(r: Runnable) {
        Dispatchers.Default.dispatch(EmptyCoroutineContext, unwrapped(r))
    }

    override fun postYield(r: Runnable) {
        Dispatchers.Default.dispatchYield(EmptyCoroutineContext, unwrapped(r))
    }

    /**
     * A task core or a waiter marks its worker itself ([SelfMarking]): it is posted as it is, with
     * no wrapper per step. Tested by class, not by the interface: before JDK 23 a type test against
     * an interface writes a per-class cache, and two workers testing one class against two
     * interfaces (this and `Undroppable`) make its cache line ping-pong between cores.
     */
    private fun unwrapped(r: Runnable): Runnable = if ((r is TaskCore || r is Waiter<*>) && debug == null) r else LoopWork(r)

    /** Runs [step], posted without a [LoopWork]: the worker counts as on the loop meanwhile. */
    internal fun runMarked(step: SelfMarking) {
        val w = state.get()
        if (w == null) { // not a worker
            step.runStep()
            return
        }
        w.running++
        try {
            step.runStep()
        } finally {
            w.running--
        }
    }

    /** Runs a posted runnable as this loop's code: the worker counts as on the loop meanwhile. */
    private inner class LoopWork(private val r: Runnable) : Runnable {
        override fun run() {
            val w = state.get()
            if (w == null) { // not a worker (kotlinx fell back to another thread): nothing to mark
                r.run()
                return
            }
            w.running++
            try {
                if (debug == null) r.run() else runTimed(r, debug)
            } finally {
                w.running--
            }
        }

        /** Debug mode: counts the step and reports it if slow (no watchdog on the shared loop: its workers are kotlinx's). */
        private fun runTimed(r: Runnable, d: DebugSettings) {
            stepCount?.increment()
            val start = System.nanoTime()
            try {
                r.run()
            } finally {
                val took = System.nanoTime() - start
                if (d.slowStepNanos in 1 until took) {
                    slowSteps++
                    val msg = "Loop 'shared' step took ${took / 1_000_000} ms in ${Jfr.describeStep(r)}"
                    reportWarning(msg, SlowStepTrace(msg))
                }
            }
        }

        override fun toString(): String = r.toString()
    }

    /** True on a worker while it runs this loop's code (not while it runs other kotlinx work). */
    private fun runsLoopCode(): Boolean = state.get()?.onLoop == true

    override fun launch(core: TaskCore) {
        if (core.registers) registry.add(core)
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

        fun size(): Int = synchronized(lock) { heap.size }

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

        /** The shared loop if the calling thread is running its code right now, else null. */
        internal fun currentOnThread(): SharedLoopCore? =
            if (isWorker(Thread.currentThread()) && INSTANCE.runsLoopCode()) INSTANCE else null
    }
}

/**
 * Loop work that marks a shared-loop worker as running loop code by itself, in its [run] (which
 * calls [SharedLoopCore.runMarked] on the shared loop, [runStep] directly elsewhere): the shared
 * loop posts it as it is, with no wrapper allocated per step. Task cores and waiters are.
 */
internal interface SelfMarking : Runnable {
    /** The work itself. */
    fun runStep()
}

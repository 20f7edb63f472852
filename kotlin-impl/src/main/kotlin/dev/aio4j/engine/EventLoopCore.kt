package dev.aio4j.engine

import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Delay
import kotlinx.coroutines.DisposableHandle
import java.util.ArrayDeque
import java.util.concurrent.CancellationException
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.locks.LockSupport
import java.util.function.BooleanSupplier
import kotlin.coroutines.CoroutineContext

/**
 * A single-threaded event loop, asyncio's: one thread runs every piece of task code, in FIFO
 * order per iteration, so task code on it never runs in parallel with other task code of it.
 *
 * Each iteration fires the due timers, takes in what other threads posted, then runs the work that
 * was ready when the iteration began (work posted meanwhile waits for the next one — which is what
 * makes `sleep(0)` a real yield). With nothing to do the thread parks until the next timer or a post.
 *
 * Either it owns a thread ([start], for `Loop.create`) or it is driven by the caller ([driveOnCurrentThread], for `Loop.run`).
 */
public class EventLoopCore private constructor(name: String) : LoopCore(name) {
    @Volatile
    private var thread: Thread? = null
    private val local = ArrayDeque<Runnable>()
    private val remote = ConcurrentLinkedQueue<Runnable>()
    private val timers = TimerQueue()

    @Volatile
    private var parked = false

    @Volatile
    private var closing = false

    @Volatile
    private var stopped = false
    private var depth = 0
    private var current: TaskCore? = null
    private val terminated = CountDownLatch(1)

    override val registry: TaskRegistry = TaskRegistry(false)
    override val isSingleThreaded: Boolean get() = true
    override val isClosed: Boolean get() = closing

    /** The thread that runs this loop (null before it started). */
    public fun thread(): Thread? = thread

    override fun isLoopThread(): Boolean = Thread.currentThread() === thread

    // ---------------------------------------------------------------- posting

    override fun post(r: Runnable) {
        if (Thread.currentThread() === thread) {
            if (!stopped) local.addLast(r) else rejectAfterStop(r)
            return
        }
        postRemote(r)
    }

    private fun postRemote(r: Runnable) {
        if (stopped) {
            rejectAfterStop(r)
            return
        }
        remote.add(r)
        if (stopped) { // lost the race with the final drain: clean up ourselves
            drainRemoteAfterStop()
            return
        }
        if (parked) LockSupport.unpark(thread)
    }

    override fun postYield(r: Runnable) {
        post(r)
    }

    /**
     * As [LoopCore.execute], except that while the loop is closing (not yet stopped) its own thread
     * may still hand it work: that is cancelled tasks' cleanup hopping through the loop
     * (`whenCompleteAsync`, `thenApplyAsync` with the loop as executor), which must run, not be
     * refused and lost.
     */
    override fun execute(command: Runnable) {
        if (closing && !stopped && Thread.currentThread() === thread) {
            local.addLast(UserRunnable(this, command))
            return
        }
        super.execute(command)
    }

    override fun launch(core: TaskCore) {
        if (Thread.currentThread() === thread) {
            registry.add(core)
            if (core.startsInline) core.startNow() else if (!stopped) local.addLast(core) else rejectAfterStop(core)
        } else {
            postRemote(core) // registers when it runs on the loop
        }
    }

    override fun deliver(target: TaskCore, tag: Int, value: Any?, error: Throwable?) {
        if (Thread.currentThread() === thread && depth < MAX_INLINE_DEPTH) {
            depth++
            try {
                target.onChildDoneGuarded(tag, value, error)
            } finally {
                depth--
            }
        } else {
            post(Delivery(target, tag, value, error))
        }
    }

    override fun currentTask(): TaskCore? = if (Thread.currentThread() === thread) current else null

    override fun setCurrentTask(core: TaskCore?) {
        current = core
    }

    // ---------------------------------------------------------------- timers

    override fun schedule(node: TimerNode, delayNanos: Long) {
        val d = Delays.clamp(delayNanos)
        node.deadline = System.nanoTime() + d
        if (Thread.currentThread() === thread) {
            timers.add(node, d)
        } else {
            postRemote { timers.add(node, d) }
        }
    }

    override fun unschedule(node: TimerNode) {
        if (Thread.currentThread() === thread) {
            timers.remove(node)
        } else if (!stopped) {
            postRemote { timers.remove(node) }
        }
    }

    /** kotlinx view of this loop: coroutines dispatched here run on the loop thread; `delay` uses its timers. */
    override val dispatcher: CoroutineDispatcher = LoopDispatcher()

    private inner class LoopDispatcher : CoroutineDispatcher(), Delay {
        override fun dispatch(context: CoroutineContext, block: Runnable) {
            post(block)
        }

        override fun dispatchYield(context: CoroutineContext, block: Runnable) {
            postYield(block)
        }

        override fun scheduleResumeAfterDelay(timeMillis: Long, continuation: CancellableContinuation<Unit>) {
            val node = object : TimerNode() {
                override fun onTimer() {
                    with(continuation) { this@LoopDispatcher.resumeUndispatched(Unit) }
                }
            }
            schedule(node, TimeUnit.MILLISECONDS.toNanos(timeMillis))
            continuation.invokeOnCancellation { unschedule(node) }
        }

        override fun invokeOnTimeout(timeMillis: Long, block: Runnable, context: CoroutineContext): DisposableHandle {
            val node = object : TimerNode() {
                override fun onTimer() {
                    block.run()
                }
            }
            schedule(node, TimeUnit.MILLISECONDS.toNanos(timeMillis))
            return DisposableHandle { unschedule(node) }
        }

        override fun toString(): String = this@EventLoopCore.toString()
    }

    // ---------------------------------------------------------------- running

    /** Runs the loop on the calling thread (which must be its driver) until [done] holds. */
    public fun runUntil(done: BooleanSupplier) {
        check(Thread.currentThread() === thread) { "runUntil must be called on the loop's own thread" }
        while (!done.asBoolean && !stopped) runOnce(done)
    }

    private fun runOnce(done: BooleanSupplier) {
        fireDueTimers()
        drainRemote()
        var n = local.size
        if (n == 0) {
            idle(done)
            return
        }
        while (n-- > 0) {
            val r = local.pollFirst() ?: break
            runSafely(r)
        }
    }

    private fun fireDueTimers() {
        if (timers.isEmpty()) return
        val now = System.nanoTime()
        while (true) {
            val t = timers.peek() ?: break
            if (t.deadline - now > 0) break
            timers.poll()
            try {
                t.onTimer()
            } catch (e: Throwable) {
                reportError("exception in a timer callback", e)
            }
        }
    }

    private fun drainRemote() {
        while (true) {
            val r = remote.poll() ?: break
            local.addLast(r)
        }
    }

    private fun runSafely(r: Runnable) {
        try {
            if (r is TaskCore && r.state == TaskCore.NEW && !r.registered) registry.add(r)
            r.run()
        } catch (e: Throwable) {
            reportError("exception in loop callback $r", e)
        }
    }

    private fun idle(done: BooleanSupplier) {
        parked = true
        try {
            if (!remote.isEmpty() || done.asBoolean || stopped) return
            val next = timers.peek()
            if (next == null) {
                LockSupport.park(this)
            } else {
                val wait = next.deadline - System.nanoTime()
                if (wait > 0) LockSupport.parkNanos(this, wait)
            }
        } finally {
            parked = false
        }
    }

    /** Wakes the loop thread if it is parked (after a condition it waits for changed elsewhere). */
    public fun wakeUp() {
        if (parked) LockSupport.unpark(thread)
    }

    // ---------------------------------------------------------------- closing

    /**
     * On the loop thread: refuse new work, cancel every live task, run until all have finished,
     * then stop. Work that arrives afterwards is dropped; tasks that never started end cancelled.
     */
    public fun shutdownOnLoopThread() {
        check(Thread.currentThread() === thread) { "shutdownOnLoopThread must run on the loop thread" }
        closing = true
        for (core in registry.snapshot()) core.cancel("loop is closing")
        while (!registry.isEmpty() && !stopped) runOnce { registry.isEmpty() }
        stopped = true
        timers.drain()
        while (true) {
            val r = local.pollFirst() ?: break
            rejectAfterStop(r)
        }
        drainRemoteAfterStop()
        current = null
    }

    private fun drainRemoteAfterStop() {
        while (true) {
            val r = remote.poll() ?: break
            rejectAfterStop(r)
        }
    }

    private fun rejectAfterStop(r: Runnable) {
        if (r is TaskCore && r.state == TaskCore.NEW) {
            r.failWith(CancellationException("loop is closed"))
        } else if (r is LoopCore.Undroppable) {
            try {
                r.run()
            } catch (e: Throwable) {
                reportError("exception in work run after the loop stopped", e)
            }
        }
    }

    override fun close() {
        if (!closing) {
            synchronized(this) {
                if (!closing) {
                    closing = true
                    if (thread == null) { // never started
                        stopped = true
                        terminated.countDown()
                        return
                    }
                    if (Thread.currentThread() === thread) {
                        // the own thread's run loop notices closing and shuts down after the current step
                        wakeUp()
                        return
                    }
                    postRemote {}
                }
            }
        }
        if (Thread.currentThread() !== thread && ownsThread) terminated.await()
    }

    private var ownsThread = false

    /** True once the loop has stopped running. */
    public val isStopped: Boolean get() = stopped

    /** Blocks until the loop's own thread has ended, up to [millis]; true if it has. */
    public fun awaitTermination(millis: Long): Boolean = terminated.await(millis, TimeUnit.MILLISECONDS)

    override fun toString(): String = "Loop[$name, single-threaded${if (stopped) ", stopped" else if (closing) ", closing" else ""}]"

    public companion object {
        private val CURRENT = ThreadLocal<EventLoopCore?>()

        internal fun currentOnThread(): EventLoopCore? {
            val t = Thread.currentThread()
            return if (t is LoopThread) t.loop else CURRENT.get()
        }

        /** A loop with its own daemon thread, running until [close]. */
        @JvmStatic
        public fun start(name: String): EventLoopCore {
            val loop = EventLoopCore(name)
            loop.ownsThread = true
            val t = LoopThread(loop, "aio4j-loop-$name")
            loop.thread = t
            t.start()
            return loop
        }

        /**
         * A loop driven by the calling thread (for `Loop.run`): the caller runs it with [runUntil]
         * and ends it with [shutdownOnLoopThread] then [release].
         * @throws IllegalStateException if the calling thread already runs a loop
         */
        @JvmStatic
        public fun driveOnCurrentThread(name: String): EventLoopCore {
            check(LoopCore.current() == null) {
                "Loop.run cannot be called from a thread that runs a loop (" + LoopCore.current() +
                    "); create a task with Async.task or Loop.task instead"
            }
            val loop = EventLoopCore(name)
            loop.thread = Thread.currentThread()
            CURRENT.set(loop)
            return loop
        }
    }

    /** Ends a driven loop: the calling thread stops being its thread. */
    public fun release() {
        if (CURRENT.get() === this) CURRENT.remove()
        terminated.countDown()
    }

    private class LoopThread(val loop: EventLoopCore, name: String) : Thread(name) {
        init {
            isDaemon = true
        }

        override fun run() {
            try {
                while (!loop.closing) loop.runOnce { loop.closing }
                loop.shutdownOnLoopThread()
            } finally {
                loop.terminated.countDown()
            }
        }
    }
}

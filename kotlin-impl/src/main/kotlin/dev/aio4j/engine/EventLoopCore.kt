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
public class EventLoopCore private constructor(
    name: String,
    vt: VirtualTime?,
    debug: DebugSettings?,
    hooks: Array<ContextHook>?,
) : LoopCore(name, debug, hooks) {
    @Volatile
    private var thread: Thread? = null
    private val local = ArrayDeque<Runnable>()
    private val remote = ConcurrentLinkedQueue<Runnable>()
    private val timers: TimerQueue

    /** True while a test loop's driver runs it (inside `run`, `advanceBy`, ...): task code may call the helpers. */
    @Volatile
    @JvmField
    internal var driving: Boolean = false

    init {
        virtual = vt
        if (vt == null) LoopCore.opened(this)
        if (vt == null) {
            timers = TimerQueue()
        } else {
            vt.loop = this
            timers = VirtualTimerQueue()
        }
    }

    @Volatile
    private var parked = false

    @Volatile
    private var closing = false

    @Volatile
    private var stopped = false
    private var depth = 0
    private var current: TaskCore? = null
    private var steps = 0L
    private var watchdog: Watchdog? = null
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
            if (core.registers) registry.add(core)
            virtual?.noteCreated(core)
            if (core.startsInline) core.startNow() else if (!stopped) local.addLast(core) else rejectAfterStop(core)
        } else {
            postRemote(core) // registers when it runs on the loop
        }
    }

    override fun deliver(target: TaskCore, tag: Int, value: Any?, error: Throwable?) {
        // a test loop's thread between driving calls (the test completing a future its task awaits)
        // queues the delivery: task code runs only inside run/advance, where the Async helpers work
        if (Thread.currentThread() === thread && depth < MAX_INLINE_DEPTH && (virtual == null || driving)) {
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
        val vt = virtual
        if (vt != null) {
            scheduleVirtual(vt, node, d)
            return
        }
        node.deadline = System.nanoTime() + d
        if (Thread.currentThread() === thread) {
            timers.add(node, d)
        } else {
            postRemote { timers.add(node, d) }
        }
    }

    private fun scheduleVirtual(vt: VirtualTime, node: TimerNode, d: Long) {
        if (Thread.currentThread() === thread) {
            node.deadline = virtualDeadline(vt.now, d)
            timers.add(node, d)
            return
        }
        // under the clock's lock: the driver jumps under it too, and only with nothing posted, so
        // this deadline is measured from the instant the timer will be judged against
        synchronized(vt) {
            node.deadline = virtualDeadline(vt.now, d)
            postRemote { timers.add(node, d) }
        }
    }

    /**
     * A "forever" delay, and a deadline past the end of the virtual clock ([VirtualTime.MAX_NOW], which
     * the clock never passes), never come: such a timer is [VirtualTime.NEVER], as a huge sleep is.
     * (`now` is at most MAX_NOW and `d` below MAX_DELAY_NANOS: the sum does not overflow.)
     */
    private fun virtualDeadline(now: Long, d: Long): Long =
        if (d >= Delays.MAX_DELAY_NANOS || now + d > VirtualTime.MAX_NOW) VirtualTime.NEVER else now + d

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
        try {
            while (!done.asBoolean && !stopped) runOnce(done)
        } finally {
            restoreInterrupt()
        }
    }

    /**
     * The driving thread was interrupted while the loop idled: the flag is cleared to park, and set
     * again ([restoreInterrupt]) when [runUntil] or [shutdownOnLoopThread] returns.
     */
    private var interruptSeen = false

    private fun restoreInterrupt() {
        if (interruptSeen) {
            interruptSeen = false
            Thread.currentThread().interrupt() // the caller's interrupt, kept for it
        }
    }

    private fun runOnce(done: BooleanSupplier) {
        // timing steps (debug mode, or JFR recording dev.aio4j.SlowStep) is decided once per batch
        val timed = debug != null || Jfr.SINK.slowStepEnabled()
        fireDueTimers(timed)
        drainRemote()
        var n = local.size
        if (n == 0) {
            idle(done)
            return
        }
        steps += n
        if (timed) {
            while (n-- > 0) {
                val r = local.pollFirst() ?: break
                runTimed(r, false)
            }
            return
        }
        while (n-- > 0) {
            val r = local.pollFirst() ?: break
            runSafely(r)
        }
    }

    override fun stepsTotal(): Long = steps

    override fun readyQueueLength(): Int = local.size + remote.size

    override fun timerCount(): Int = timers.size

    /** Runs one step and times it: a slow-step report (once per step), the watchdog's mark, the JFR event. */
    private fun runTimed(r: Runnable, timer: Boolean) {
        val d = debug
        val token = Jfr.SINK.beginStep()
        val w = watchdog
        val start = System.nanoTime()
        if (w != null) {
            w.stepName = r
            w.stepStart = start
        }
        try {
            if (timer) fireTimer(r as TimerNode) else runSafely(r)
        } finally {
            if (w != null) w.stepStart = 0L
            Jfr.SINK.endStep(token, this, r)
            if (d != null && d.slowStepNanos > 0) {
                val took = System.nanoTime() - start
                if (took > d.slowStepNanos) {
                    slowSteps++
                    if (w == null || w.claim(start)) reportSlowStep(r, took, null, running = false)
                }
            }
        }
    }

    /**
     * Reports a slow step once: at its end (the loop thread), or while it still runs, with the loop
     * thread's [stack] at that moment (the watchdog).
     */
    internal fun reportSlowStep(r: Runnable?, tookNanos: Long, stack: Array<StackTraceElement>?, running: Boolean, gcMillis: Long = -1L) {
        val ms = TimeUnit.NANOSECONDS.toMillis(tookNanos)
        val what = Jfr.describeStep(r)
        val gc = if (gcMillis * 2 >= ms && gcMillis > 0) " (the JVM spent $gcMillis ms of it in garbage collection: a GC pause, not the step, may be the cause)" else ""
        val msg = if (running) {
            "Loop '$name' step has been running for $ms ms in $what$gc (still running; the loop thread's stack is the trace)"
        } else {
            "Loop '$name' step took $ms ms in $what"
        }
        val trace = SlowStepTrace(msg)
        if (stack != null) trace.stackTrace = stack
        reportWarning(msg, trace)
    }

    private fun fireTimer(t: TimerNode) {
        try {
            t.run() // a task's timer: one step of the task, with its context
        } catch (e: Throwable) {
            reportError("exception in a timer callback", e)
        }
    }

    override fun liveTasksFromAnyThread(waitMillis: Long): List<TaskCore> {
        val t = thread
        if (t == null || Thread.currentThread() === t) return registry.snapshot()
        if (stopped || virtual != null) return registry.racySnapshot() // a test loop runs only when driven: read it as it is
        val f = java.util.concurrent.FutureTask<List<TaskCore>> { registry.snapshot() }
        postRemote(f)
        return try {
            f.get(waitMillis, TimeUnit.MILLISECONDS)
        } catch (e: Exception) {
            f.cancel(false)
            registry.racySnapshot()
        }
    }

    private fun fireDueTimers(timed: Boolean = false): Int {
        if (timers.isEmpty()) return 0
        val vt = virtual
        val now = if (vt == null) System.nanoTime() else vt.now
        var fired = 0
        while (true) {
            val t = timers.peek() ?: break
            if (t.deadline - now > 0) break
            // a test loop's timeout waits until nothing else is ready at its instant (a tie goes to the result)
            if (vt != null && t.isTimeout && (fired > 0 || !local.isEmpty() || !remote.isEmpty())) break
            timers.poll()
            fired++
            if (timed) runTimed(t, true) else fireTimer(t)
        }
        return fired
    }

    private fun drainRemote() {
        while (true) {
            val r = remote.poll() ?: break
            local.addLast(r)
        }
    }

    private fun runSafely(r: Runnable) {
        try {
            if (r is TaskCore && r.state == TaskCore.NEW && !r.registered && r.registers) {
                registry.add(r)
                virtual?.noteCreated(r)
            }
            r.run()
        } catch (e: Throwable) {
            reportError("exception in loop callback $r", e)
        }
    }

    private fun idle(done: BooleanSupplier) {
        parked = true
        try {
            if (!remote.isEmpty() || done.asBoolean || stopped) return
            // an interrupt does not stop the loop (Loop.run's rule), but with the flag set park returns at once:
            // the loop would spin on a core until it ends
            if (Thread.interrupted()) interruptSeen = true
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

    // ---------------------------------------------------------------- virtual time (a test loop's driver)

    private var guardDeadline = 0L

    private inline fun <R> drive(block: (VirtualTime) -> R): R {
        val vt = virtual ?: throw IllegalStateException("$this is not a test loop")
        val me = Thread.currentThread()
        check(me === thread) {
            "a TestLoop is driven only from the thread that created it (${thread?.name}), not from ${me.name}"
        }
        check(!driving) { "advance from inside a task would re-enter the loop" }
        check(!closing) { "the TestLoop is closed" }
        driving = true
        guardDeadline = System.nanoTime() + vt.wallClockNanos
        val prev = bindThread()
        try {
            return block(vt)
        } finally {
            driving = false
            unbindThread(prev)
        }
    }

    /** One iteration: due timers, posted work, then the work ready when it began. Returns the steps run. */
    private fun virtualBatch(vt: VirtualTime): Int {
        var steps = fireDueTimers()
        drainRemote()
        var n = local.size
        while (n-- > 0) {
            val r = local.pollFirst() ?: break
            runSafely(r)
            steps++
        }
        if (steps > 0) {
            vt.stepsAtInstant += steps
            if (vt.stepsAtInstant > vt.maxStepsPerInstant) {
                vt.stepsAtInstant = 0
                throw VirtualTimeStop(
                    VirtualTimeStop.Kind.STEP_BUDGET,
                    "more than ${vt.maxStepsPerInstant} steps at ${VirtualTimeStop.format(vt.now)} without time moving " +
                        "(a task that never waits for time, such as a loop of sleep(ZERO)?)",
                )
            }
        }
        return steps
    }

    private fun runReady(vt: VirtualTime, done: BooleanSupplier?) {
        while (true) {
            if (done != null && done.asBoolean) return
            checkWallClock(vt)
            if (virtualBatch(vt) == 0) return
        }
    }

    private fun checkWallClock(vt: VirtualTime) {
        if (System.nanoTime() - guardDeadline > 0) {
            throw VirtualTimeStop(
                VirtualTimeStop.Kind.WALL_CLOCK,
                "still running after ${VirtualTimeStop.format(vt.wallClockNanos)} of real time " +
                    "(virtual time ${VirtualTimeStop.format(vt.now)}, ${vt.externalWork()} outside jobs outstanding)",
            )
        }
    }

    private fun readyNow(vt: VirtualTime): Boolean {
        if (!local.isEmpty() || !remote.isEmpty()) return true
        val t = timers.peek() ?: return false
        return t.deadline - vt.now <= 0
    }

    private fun nextDeadline(): Long = timers.peek()?.deadline ?: VirtualTime.NEVER

    /** Outside work that holds the clock: all of it for auto-advance, only jobs for an explicit advance. */
    private fun outside(vt: VirtualTime, jobsOnly: Boolean): Int = if (jobsOnly) vt.jobs() else vt.externalWork()

    /** Parks in real time until work is posted or the outside work is over (bounded by the wall clock). */
    private fun awaitOutsideWork(vt: VirtualTime, jobsOnly: Boolean = false) {
        parked = true
        try {
            if (outside(vt, jobsOnly) == 0 || !remote.isEmpty()) return
            checkWallClock(vt)
            LockSupport.parkNanos(this, (guardDeadline - System.nanoTime()).coerceIn(1L, 50_000_000L))
        } finally {
            parked = false
        }
    }

    /** Moves the clock to [target] unless outside work is outstanding or posted work waits. */
    private fun jump(vt: VirtualTime, target: Long, jobsOnly: Boolean = false): Boolean = synchronized(vt) {
        // external first: an outside job posts before it stops counting, so a zero here means its post is visible
        if (outside(vt, jobsOnly) != 0 || !remote.isEmpty()) return false
        val t = if (target > VirtualTime.MAX_NOW) VirtualTime.MAX_NOW else target
        if (t - vt.now > 0) {
            vt.now = t
            vt.stepsAtInstant = 0
        }
        true
    }

    /**
     * Whether work was posted from another thread (a `callSoon`, a task, a timer) or outside work began
     * since the driver last looked: checked under the clock's lock just before it declares the main task
     * stuck, so work already posted never makes a false deadlock.
     */
    private fun postedMeanwhile(vt: VirtualTime): Boolean = synchronized(vt) { !remote.isEmpty() || vt.externalWork() > 0 }

    /** True while the test loop's driver is inside a driving call (task code runs only then). */
    public fun isDriving(): Boolean = driving

    /**
     * Runs every callback ready at the current instant (and what they make ready), without moving the clock.
     * @throws VirtualTimeStop when the step budget or the wall clock runs out
     * @throws IllegalStateException if this is not a test loop, off its thread, from one of its tasks, or once closed
     */
    public fun virtualRunCurrent() {
        drive { vt -> runReady(vt, null) }
    }

    /**
     * Runs until [done] holds. With auto-advance, when nothing is ready and no outside work is
     * outstanding, the clock jumps to the next timer; outside work is awaited in real time.
     * @throws VirtualTimeStop when nothing can ever make [done] hold, or without auto-advance when
     *     only a timer could; when the step budget or the wall clock runs out
     */
    public fun virtualRunUntil(done: BooleanSupplier) {
        drive { vt ->
            while (true) {
                runReady(vt, done)
                if (done.asBoolean) return
                if (readyNow(vt)) continue
                if (vt.externalWork() > 0) {
                    awaitOutsideWork(vt)
                    continue
                }
                val next = nextDeadline()
                if (next != VirtualTime.NEVER) {
                    if (!vt.autoAdvance) {
                        if (postedMeanwhile(vt)) continue
                        throw VirtualTimeStop(
                            VirtualTimeStop.Kind.NOT_ADVANCED,
                            "the main task waits for a timer at ${VirtualTimeStop.format(next)} but the clock is at " +
                                "${VirtualTimeStop.format(vt.now)} and auto-advance is off: advance the clock or enable autoAdvance",
                        )
                    }
                    jump(vt, next)
                    continue
                }
                if (postedMeanwhile(vt)) continue
                throw VirtualTimeStop(
                    VirtualTimeStop.Kind.DEADLOCK,
                    "deadlock at ${VirtualTimeStop.format(vt.now)}: the main task waits, and nothing is ready, " +
                        "no timer is pending and no outside work is outstanding",
                )
            }
        }
    }

    /**
     * Fires the timers due up to [target] in deadline order, running the work ready between them,
     * then sets the clock to [target] (or leaves it if already later). Running jobs (`toThread`)
     * are awaited before the clock moves; stages pending elsewhere are not (the caller moves time
     * on purpose, e.g. to time out a call that never answers). A [target] past [VirtualTime.MAX_NOW]
     * counts as MAX_NOW.
     * @throws VirtualTimeStop when the step budget or the wall clock runs out
     * @throws IllegalStateException if this is not a test loop, off its thread, from one of its tasks, or once closed
     */
    public fun virtualAdvanceTo(target: Long) {
        drive { vt ->
            val t = if (target > VirtualTime.MAX_NOW) VirtualTime.MAX_NOW else target
            while (true) {
                runReady(vt, null)
                if (readyNow(vt)) continue
                if (t - vt.now <= 0) return
                if (vt.jobs() > 0) {
                    awaitOutsideWork(vt, jobsOnly = true)
                    continue
                }
                val next = nextDeadline()
                if (next - t <= 0) {
                    jump(vt, next, jobsOnly = true)
                    continue
                }
                if (jump(vt, t, jobsOnly = true)) {
                    runReady(vt, null)
                    return
                }
            }
        }
    }

    /** The wall-clock deadline of a close that began with [virtualSettle] (0: none): [virtualShutdown] keeps it. */
    private var closeDeadline = 0L

    /**
     * Runs ready work and awaits running jobs (in real time) until neither is left; the clock does not
     * move. The first step of closing: the [virtualShutdown] that follows shares its wall-clock budget.
     * @throws VirtualTimeStop when the step budget or the wall clock runs out
     */
    public fun virtualSettle() {
        drive { vt ->
            closeDeadline = guardDeadline
            while (true) {
                runReady(vt, null)
                if (readyNow(vt)) continue
                if (vt.jobs() == 0) return
                awaitOutsideWork(vt, jobsOnly = true)
            }
        }
    }

    /**
     * Runs ready work and jumps from timer to timer (awaiting running jobs first) until no timer that
     * can fire is pending (one at [VirtualTime.NEVER] cannot) and nothing is ready.
     * @throws VirtualTimeStop when the step budget or the wall clock runs out
     * @throws IllegalStateException if this is not a test loop, off its thread, from one of its tasks, or once closed
     */
    public fun virtualRunUntilIdle() {
        drive { vt ->
            while (true) {
                runReady(vt, null)
                if (readyNow(vt)) continue
                if (vt.jobs() > 0) {
                    awaitOutsideWork(vt, jobsOnly = true)
                    continue
                }
                val next = nextDeadline()
                if (next == VirtualTime.NEVER) return
                jump(vt, next, jobsOnly = true)
            }
        }
    }

    /**
     * Makes this test loop the calling thread's loop while it is driven (another test loop may have
     * been created on the thread since); returns the one to restore.
     */
    private fun bindThread(): EventLoopCore? {
        val prev = CURRENT.get()
        if (prev !== this) CURRENT.set(this)
        return prev
    }

    private fun unbindThread(prev: EventLoopCore?) {
        if (prev !== this) {
            if (prev == null || prev.stopped) CURRENT.remove() else CURRENT.set(prev)
        }
    }

    /** The timers pending, for a test loop's report (call on its thread). */
    public fun virtualPendingTimers(): Int = timers.size

    /**
     * Closes a test loop from its driver: cancels every task, runs (moving the clock as needed)
     * until they have finished or nothing more can happen, then stops and releases the thread.
     * Returns the callbacks of `callLater` that were still pending. Idempotent: a second call returns nothing.
     * After [virtualSettle] it keeps that call's wall-clock deadline (one budget for the whole close);
     * if settling ran out of it, running jobs are not awaited again.
     * @throws VirtualTimeStop when the step budget or the wall clock runs out (the loop is stopped all the same)
     * @throws IllegalStateException if this is not a test loop, or called off its thread or from one of its tasks
     */
    public fun virtualShutdown(): List<CallbackHandle> {
        val vt = virtual ?: throw IllegalStateException("$this is not a test loop")
        check(Thread.currentThread() === thread) {
            "a TestLoop is closed only from the thread that created it (${thread?.name})"
        }
        check(!driving) { "close() from inside a task would re-enter the loop" }
        if (stopped) return emptyList()
        var failure: Throwable? = null
        val handles = ArrayList<CallbackHandle>()
        driving = true
        // one budget for the whole close; if settling used it up, cancelled tasks still get to run
        // their ready work (bounded by the step budget), but running jobs are no longer awaited
        val startedAt = System.nanoTime()
        val budgetLeft = closeDeadline != 0L && closeDeadline - startedAt > 0
        val awaitJobs = closeDeadline == 0L || budgetLeft
        guardDeadline = if (budgetLeft) closeDeadline else startedAt + vt.wallClockNanos
        closeDeadline = 0L
        val prev = bindThread()
        try {
            closing = true
            for (core in registry.snapshot()) core.cancel("loop is closing")
            val finished = BooleanSupplier { registry.isEmpty() }
            while (!registry.isEmpty()) {
                runReady(vt, finished)
                if (registry.isEmpty() || readyNow(vt)) continue
                if (vt.jobs() > 0) { // cancelled jobs end by themselves; a future pending elsewhere is not waited for
                    if (!awaitJobs) break
                    awaitOutsideWork(vt, jobsOnly = true)
                    continue
                }
                val next = nextDeadline()
                if (next == VirtualTime.NEVER) break // what remains never ends: the caller reported it before
                jump(vt, next)
            }
        } catch (t: Throwable) {
            failure = t
        } finally {
            stopped = true
            for (n in timers.drain()) if (n is CallbackHandle && !n.isCancelled) handles.add(n)
            while (true) {
                val r = local.pollFirst() ?: break
                rejectAfterStop(r)
            }
            drainRemoteAfterStop()
            current = null
            driving = false
            unbindThread(prev)
            release()
        }
        if (failure != null) throw failure
        return handles
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
        try {
            while (!registry.isEmpty() && !stopped) runOnce { registry.isEmpty() }
        } finally {
            restoreInterrupt()
        }
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
        } else if (r is TaskCore && !r.registers) { // a yield still queued when the loop stopped
            r.failWith(CancellationException("loop is closed"))
            r.finish()
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
                        LoopCore.ended(this)
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
            return start(name, DebugSettings.FROM_SYSTEM_PROPERTY, null)
        }

        /** As [start], with debug settings (null: none) and context hooks of this loop only (null: none). */
        @JvmStatic
        public fun start(name: String, debug: DebugSettings?, hooks: Array<ContextHook>?): EventLoopCore {
            if (debug != null) DebugSettings.anyLoop = true
            val loop = EventLoopCore(name, null, debug, hooks)
            loop.ownsThread = true
            val t = LoopThread(loop, "aio4j-loop-$name")
            loop.thread = t
            t.start()
            loop.startWatchdog()
            return loop
        }

        /**
         * A loop driven by the calling thread (for `Loop.run`): the caller runs it with [runUntil]
         * and ends it with [shutdownOnLoopThread] then [release].
         * @throws IllegalStateException if the calling thread already runs a loop
         */
        @JvmStatic
        public fun driveOnCurrentThread(name: String): EventLoopCore = driveOnCurrentThread(name, DebugSettings.FROM_SYSTEM_PROPERTY, null)

        /** As [driveOnCurrentThread], with debug settings and context hooks of this loop only (null: none). */
        @JvmStatic
        public fun driveOnCurrentThread(name: String, debug: DebugSettings?, hooks: Array<ContextHook>?): EventLoopCore {
            val cur = LoopCore.current()
            check(cur == null) {
                if (cur is EventLoopCore && cur.virtual != null && !cur.driving) {
                    "Loop.run cannot be called on the thread of an open TestLoop ($cur); use its run(...) instead"
                } else {
                    "Loop.run cannot be called from a thread that runs a loop ($cur); create a task with Async.task or Loop.task instead"
                }
            }
            val loop = EventLoopCore(name, null, debug, hooks)
            loop.thread = Thread.currentThread()
            CURRENT.set(loop)
            loop.startWatchdog()
            return loop
        }

        /**
         * A test loop with a virtual clock at 0, driven by the calling thread (which stays its thread
         * until [virtualShutdown]).
         * @throws IllegalStateException if the calling thread already runs a loop or has an open test loop
         */
        @JvmStatic
        public fun driveVirtual(name: String, autoAdvance: Boolean, wallClockNanos: Long, maxStepsPerInstant: Int): EventLoopCore =
            driveVirtual(name, autoAdvance, wallClockNanos, maxStepsPerInstant, DebugSettings.FROM_SYSTEM_PROPERTY)

        /**
         * As [driveVirtual], with debug settings (null: none): creation sites are recorded for dumps;
         * a test loop has no watchdog (its steps are not timed).
         */
        @JvmStatic
        public fun driveVirtual(
            name: String,
            autoAdvance: Boolean,
            wallClockNanos: Long,
            maxStepsPerInstant: Int,
            debug: DebugSettings?,
        ): EventLoopCore {
            // another test loop of this thread, idle between its driving calls, may stay open (a test
            // that forgot to close one must not break the next test on the thread)
            val idle = CURRENT.get()?.let { it.virtual != null && !it.driving } ?: false
            val cur = if (idle) null else CURRENT.get() ?: (Thread.currentThread() as? LoopThread)?.loop ?: SharedLoopCore.currentOnThread()
            check(cur == null) {
                if (cur is EventLoopCore && cur.virtual != null) {
                    "a TestLoop cannot be created inside a task of another TestLoop ($cur)"
                } else {
                    "a TestLoop cannot be created on a thread that runs a loop ($cur)"
                }
            }
            if (debug != null) DebugSettings.anyLoop = true
            val loop = EventLoopCore(name, VirtualTime(autoAdvance, wallClockNanos, maxStepsPerInstant), debug, null)
            loop.thread = Thread.currentThread()
            CURRENT.set(loop)
            return loop
        }

        /** The error for an `Async` helper called on a test loop's thread between its driving calls. */
        internal fun idleDriverMisuse(loop: EventLoopCore): IllegalStateException = IllegalStateException(
            "an aio4j helper was called on the thread of the open TestLoop (${loop.name}) outside run/advance " +
                "(in a @BeforeEach?): it would run in real time, or never; start it inside testLoop.run(() -> ...) " +
                "or with testLoop.task(...), or use Loop.shared() explicitly",
        )
    }

    /** Ends a driven loop: the calling thread stops being its thread. */
    public fun release() {
        if (CURRENT.get() === this) CURRENT.remove()
        LoopCore.ended(this)
        terminated.countDown()
    }

    private fun startWatchdog() {
        val d = debug ?: return
        if (!d.watchdog || d.slowStepNanos <= 0) return
        val w = Watchdog(this, d.slowStepNanos)
        watchdog = w
        w.start()
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
                LoopCore.ended(loop)
                loop.terminated.countDown()
            }
        }
    }
}

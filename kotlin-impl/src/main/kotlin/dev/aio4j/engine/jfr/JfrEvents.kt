package dev.aio4j.engine.jfr

import dev.aio4j.engine.Jfr
import dev.aio4j.engine.JfrSink
import dev.aio4j.engine.LoopCore
import dev.aio4j.engine.TaskCore
import jdk.jfr.Category
import jdk.jfr.Description
import jdk.jfr.Enabled
import jdk.jfr.Event
import jdk.jfr.EventType
import jdk.jfr.FlightRecorder
import jdk.jfr.Label
import jdk.jfr.Name
import jdk.jfr.Period
import jdk.jfr.StackTrace
import jdk.jfr.Threshold
import jdk.jfr.Timespan
import java.util.concurrent.CancellationException

/*
 * aio4j's JFR events. This file is the only one that touches jdk.jfr: it is loaded by name
 * (Jfr.SINK) only when the jdk.jfr module is present.
 */

@Name("dev.aio4j.SlowStep")
@Label("Slow Step")
@Category("aio4j")
@Description("One step of a loop (a task resumption or a callback) that took longer than the threshold")
@Threshold("20 ms")
@StackTrace(false)
internal class SlowStepEvent : Event() {
    @JvmField @field:Label("Loop") var loop: String? = null
    @JvmField @field:Label("Task") var task: String? = null
    @JvmField @field:Label("Callback Kind") var callbackKind: String? = null
}

@Name("dev.aio4j.TaskFailed")
@Label("Task Failed")
@Category("aio4j")
@Description("A task completed with a failure (observed or not)")
@StackTrace(false)
internal class TaskFailedEvent : Event() {
    @JvmField @field:Label("Task Name") var taskName: String? = null
    @JvmField @field:Label("Loop Name") var loopName: String? = null
    @JvmField @field:Label("Exception Class") var exceptionClass: String? = null
    @JvmField @field:Label("Message") var message: String? = null
}

@Name("dev.aio4j.TaskCancelled")
@Label("Task Cancelled")
@Category("aio4j")
@Description("A task was cancelled")
@Enabled(false)
@StackTrace(false)
internal class TaskCancelledEvent : Event() {
    @JvmField @field:Label("Task Name") var taskName: String? = null
    @JvmField @field:Label("Loop Name") var loopName: String? = null
    @JvmField @field:Label("Reason") var reason: String? = null
}

@Name("dev.aio4j.TimeoutFired")
@Label("Timeout Fired")
@Category("aio4j")
@Description("waitFor / timeout / a stream timeout gave up on what it waited for")
@StackTrace(false)
internal class TimeoutFiredEvent : Event() {
    @JvmField @field:Label("Helper") var helper: String? = null
    @JvmField @field:Label("Task") var task: String? = null
    @JvmField @field:Label("Timeout") @field:Timespan(Timespan.NANOSECONDS) var timeout: Long = 0L
}

@Name("dev.aio4j.LockWait")
@Label("Lock Wait")
@Category("aio4j")
@Description("A wait for an AsyncLock that took longer than the threshold")
@Threshold("10 ms")
@StackTrace(false)
internal class LockWaitEvent : Event() {
    @JvmField @field:Label("Primitive") var primitive: String? = null
}

@Name("dev.aio4j.SemaphoreWait")
@Label("Semaphore Wait")
@Category("aio4j")
@Description("A wait for an AsyncSemaphore permit that took longer than the threshold")
@Threshold("10 ms")
@StackTrace(false)
internal class SemaphoreWaitEvent : Event() {
    @JvmField @field:Label("Primitive") var primitive: String? = null
}

@Name("dev.aio4j.QueueWait")
@Label("Queue Wait")
@Category("aio4j")
@Description("A wait on an AsyncQueue (get or put) that took longer than the threshold")
@Threshold("10 ms")
@StackTrace(false)
internal class QueueWaitEvent : Event() {
    @JvmField @field:Label("Primitive") var primitive: String? = null
}

@Name("dev.aio4j.LoopStatistics")
@Label("Loop Statistics")
@Category("aio4j")
@Description("Each running loop's ready queue, timers, live tasks and steps per second")
@Period("1 s")
@StackTrace(false)
internal class LoopStatisticsEvent : Event() {
    @JvmField @field:Label("Loop") var loop: String? = null
    @JvmField @field:Label("Ready Queue") var readyQueue: Int = 0
    @JvmField @field:Label("Timers") var timers: Int = 0
    @JvmField @field:Label("Live Tasks") var liveTasks: Int = 0
    @JvmField @field:Label("Steps per Second") var stepsPerSecond: Long = 0L
}

/** The JFR sink: checks each event type's cached enabled state before it allocates anything. */
internal class JfrEvents : JfrSink {
    private val slowStep = EventType.getEventType(SlowStepEvent::class.java)
    private val failed = EventType.getEventType(TaskFailedEvent::class.java)
    private val cancelled = EventType.getEventType(TaskCancelledEvent::class.java)
    private val timeout = EventType.getEventType(TimeoutFiredEvent::class.java)
    private val waits = arrayOf(
        EventType.getEventType(LockWaitEvent::class.java),
        EventType.getEventType(SemaphoreWaitEvent::class.java),
        EventType.getEventType(QueueWaitEvent::class.java),
    )
    private val lastSteps = java.util.WeakHashMap<LoopCore, LongArray>()

    init {
        FlightRecorder.addPeriodicEvent(LoopStatisticsEvent::class.java, ::statistics)
    }

    override fun taskEnded(core: TaskCore, error: Throwable) {
        if (error is CancellationException) {
            if (!cancelled.isEnabled) return
            val e = TaskCancelledEvent()
            if (!e.shouldCommit()) return
            e.taskName = nameOf(core)
            e.loopName = core.loop.name
            e.reason = error.message ?: "cancel()"
            e.commit()
        } else {
            if (!failed.isEnabled) return
            val e = TaskFailedEvent()
            if (!e.shouldCommit()) return
            e.taskName = nameOf(core)
            e.loopName = core.loop.name
            e.exceptionClass = error.javaClass.name
            e.message = error.message
            e.commit()
        }
    }

    override fun slowStepEnabled(): Boolean = slowStep.isEnabled

    override fun beginStep(): Any? {
        if (!slowStep.isEnabled) return null
        val e = SlowStepEvent()
        e.begin()
        return e
    }

    override fun endStep(token: Any?, loop: LoopCore, step: Runnable?) {
        val e = token as? SlowStepEvent ?: return
        e.end()
        if (!e.shouldCommit()) return
        e.loop = loop.name
        e.task = Jfr.describeStep(step)
        e.callbackKind = kindOf(step)
        e.commit()
    }

    override fun timeoutFired(helper: String, task: String, timeoutNanos: Long) {
        if (!timeout.isEnabled) return
        val e = TimeoutFiredEvent()
        if (!e.shouldCommit()) return
        e.helper = helper
        e.task = task
        e.timeout = timeoutNanos
        e.commit()
    }

    override fun beginWait(kind: Int): Any? {
        if (!waits[kind].isEnabled) return null
        val e: Event = when (kind) {
            0 -> LockWaitEvent()
            1 -> SemaphoreWaitEvent()
            else -> QueueWaitEvent()
        }
        e.begin()
        return e
    }

    override fun endWait(token: Any, waiter: dev.aio4j.engine.sync.Waiter<*>) {
        val e = token as? Event ?: return
        e.end()
        if (!e.shouldCommit()) return
        val primitive = waiter.awaitedDescription()
        when (e) {
            is LockWaitEvent -> e.primitive = primitive
            is SemaphoreWaitEvent -> e.primitive = primitive
            is QueueWaitEvent -> e.primitive = primitive
        }
        e.commit()
    }

    private fun statistics() {
        for (l in LoopCore.allLoops()) {
            val e = LoopStatisticsEvent()
            e.loop = l.name
            e.readyQueue = l.readyQueueLength()
            e.timers = l.timerCount()
            e.liveTasks = l.liveTaskCount()
            val steps = l.stepsTotal()
            val now = System.nanoTime()
            val last = synchronized(lastSteps) { lastSteps.getOrPut(l) { longArrayOf(steps, now) } }
            val dt = now - last[1]
            e.stepsPerSecond = if (dt <= 0) 0L else (steps - last[0]) * 1_000_000_000L / dt
            last[0] = steps
            last[1] = now
            e.commit()
        }
    }

    private fun nameOf(core: TaskCore): String {
        val l = core.host?.labelInternal() ?: "a task"
        return if (l.startsWith("Task[") && l.endsWith("]")) l.substring(5, l.length - 1) else l
    }

    private fun kindOf(r: Runnable?): String = when (r) {
        is TaskCore -> "task"
        is dev.aio4j.engine.CallbackHandle -> "callback"
        null -> "step"
        else -> if (r.javaClass.name.startsWith("dev.aio4j.engine.")) "resumption" else "callback"
    }
}

package dev.aio4j.engine

import java.util.concurrent.TimeUnit

/*
 * Seeing inside a loop: debug settings, per-task side records, context propagation and the slow-step
 * watchdog. Everything here is off unless a loop is created with debug settings, `-Daio4j.debug=true`
 * is set, or a context propagator is registered: then a task costs one null field ([TaskCore.side])
 * and a step one null check.
 */

/**
 * A loop's debug settings (null on a loop without debug mode).
 *
 * @property slowStepNanos a step longer than this is reported (0: never)
 * @property creationSites whether each task records where it was created
 * @property watchdog whether a daemon thread samples the loop thread's stack while a step overruns
 */
public class DebugSettings(
    @JvmField public val slowStepNanos: Long,
    @JvmField public val creationSites: Boolean,
    @JvmField public val watchdog: Boolean,
) {
    override fun toString(): String =
        "DebugSettings[slowStep=${TimeUnit.NANOSECONDS.toMillis(slowStepNanos)} ms, creationSites=$creationSites, watchdog=$watchdog]"

    public companion object {
        /** What `-Daio4j.debug=true` turns on for every loop created without settings of its own (and the shared loop). */
        @JvmField
        public val FROM_SYSTEM_PROPERTY: DebugSettings? = fromProperties()

        private fun fromProperties(): DebugSettings? {
            val on = try {
                java.lang.Boolean.getBoolean("aio4j.debug")
            } catch (e: SecurityException) {
                false
            }
            if (!on) return null
            val ms = try {
                System.getProperty("aio4j.debug.slowStepMillis")?.toLong() ?: 100L
            } catch (e: RuntimeException) {
                100L
            }
            return DebugSettings(TimeUnit.MILLISECONDS.toNanos(ms), creationSites = true, watchdog = true)
        }

        /** True once any loop runs in debug mode (a plain static read: the sync primitives' owner records look at it). */
        @JvmField
        @Volatile
        public var anyLoop: Boolean = FROM_SYSTEM_PROPERTY != null
    }
}

/**
 * The optional per-task record of a task of a debug loop: when and where it was created, its
 * context snapshot (tasks of other loops keep the snapshot itself in [TaskCore.side]) and the
 * locks it holds. One object, only in debug mode.
 */
public class TaskDebug internal constructor(
    /** The loop's clock when the task was created. */
    @JvmField public val createdAt: Long,
    /** Where it was created (frames outside aio4j), or null. */
    @JvmField public val site: Array<StackTraceElement>?,
    @JvmField internal var ctx: ContextSnapshot?,
) {
    // guarded by this
    private var held: ArrayList<Any>? = null

    internal fun hold(resource: Any) = synchronized(this) {
        (held ?: ArrayList<Any>(2).also { held = it }).add(resource)
    }

    internal fun unhold(resource: Any) = synchronized(this) {
        val h = held ?: return
        for (i in h.indices.reversed()) {
            if (h[i] === resource) {
                h.removeAt(i)
                return
            }
        }
    }

    internal fun heldNow(): List<Any> = synchronized(this) { held?.toList() ?: emptyList() }

    /** `" (created at Foo.bar(Foo.java:42))"`, or the empty string without a site. */
    public fun createdAtSuffix(): String = CreationSites.suffix(site)
}

/** Capturing where a task was created: the top frames outside aio4j's own code (cheaper than a full stack). */
public object CreationSites {
    private const val FRAMES = 4
    private val walker: StackWalker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)

    @Volatile
    private var internalSources: Array<Any?> = arrayOf(sourceOf(CreationSites::class.java))

    /** Marks the code of [c]'s jar or folder as aio4j's own (its frames are skipped); the public API registers itself. */
    @JvmStatic
    public fun internalCodeOf(c: Class<*>) {
        val s = sourceOf(c) ?: return
        synchronized(this) {
            if (internalSources.none { it == s }) internalSources = internalSources + s
        }
    }

    private fun sourceOf(c: Class<*>): Any? = try {
        c.protectionDomain?.codeSource?.location?.toString()
    } catch (e: SecurityException) {
        null
    }

    private fun skip(c: Class<*>): Boolean {
        val n = c.name
        if (n.startsWith("java.") || n.startsWith("jdk.") || n.startsWith("sun.") || n.startsWith("kotlin.") ||
            n.startsWith("kotlinx.")
        ) {
            return true
        }
        if (!n.startsWith("dev.aio4j.")) return false
        val s = sourceOf(c)
        return internalSources.any { it == s }
    }

    /** The top frames of the calling thread outside aio4j (at most 4). */
    @JvmStatic
    public fun capture(): Array<StackTraceElement> = walker.walk { frames ->
        frames.filter { !skip(it.declaringClass) }.limit(FRAMES.toLong()).map { it.toStackTraceElement() }.toList()
    }.toTypedArray()

    /** `" (created at a(A.java:1))"` for the first frame, or the empty string. */
    @JvmStatic
    public fun suffix(site: Array<StackTraceElement>?): String =
        if (site == null || site.isEmpty()) "" else " (created at ${site[0]})"
}

/**
 * The JVM's total GC time, when the `java.management` module is present (else -1): the watchdog
 * labels a "slow step" during which the JVM mostly collected garbage.
 */
internal object GcTime {
    private val available: Boolean = try {
        ModuleLayer.boot().findModule("java.management").isPresent
    } catch (t: Throwable) {
        false
    }

    fun millis(): Long = if (!available) -1L else try {
        GcBeans.totalMillis()
    } catch (t: Throwable) {
        -1L
    }
}

/** Touches `java.lang.management`: loaded only through [GcTime] when that module is present. */
internal object GcBeans {
    private val beans = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()

    fun totalMillis(): Long {
        var t = 0L
        for (b in beans) t += b.collectionTime.coerceAtLeast(0L)
        return t
    }
}

// ------------------------------------------------------------------------------------ context

/**
 * The engine's view of one context propagator (the public `ContextPropagator` adapts to it):
 * snapshots and states are opaque objects.
 */
public interface ContextHook {
    /** The calling thread's context now. */
    public fun capture(): Any?

    /** Makes [snapshot] the thread's context; returns what the thread had. */
    public fun install(snapshot: Any?): Any?

    /** Puts back what [install] returned. */
    public fun restore(previous: Any?)

    /** After a step that ran with [installed]: [installed] itself if the thread's context is unchanged, else a new snapshot. */
    public fun recapture(installed: Any?): Any?
}

/** What a task (or callback, or thread job) carries: one snapshot per hook. Immutable: a change makes a new one. */
public class ContextSnapshot internal constructor(
    @JvmField internal val hooks: Array<ContextHook>,
    @JvmField internal val values: Array<Any?>,
)

/**
 * What a waiter's link field holds instead of its loop when a context propagator is registered or
 * JFR records its kind of wait: the loop, the context of the code that waited (its delivery runs
 * with it) and when the wait began. One field for all, so a waiter does not grow.
 */
public class ContextLink internal constructor(
    @JvmField public val loop: LoopCore?,
    @JvmField public val ctx: ContextSnapshot?,
    /** The JFR wait event begun when the wait began ([JfrSink.beginWait]), or null. */
    @JvmField public val waitEvent: Any?,
)

/** Context propagation: the process-wide hooks, and capture / install / restore for the engine's steps. */
public object Contexts {
    private val NONE = arrayOf<ContextHook>()

    /** The process-wide hooks (empty: none); read once per task creation, never per step. */
    @Volatile
    private var global: Array<ContextHook> = NONE

    /** Adds [hook] for every task created from now on, on every loop. */
    @JvmStatic
    public fun register(hook: ContextHook) {
        synchronized(this) { global = global + hook }
    }

    /** Withdraws [hook] (tests); tasks that captured it keep it. */
    @JvmStatic
    public fun unregister(hook: ContextHook) {
        synchronized(this) { global = global.filter { it !== hook }.toTypedArray() }
    }

    /** The calling thread's context for a task, callback or job of [loop]; null when no hook applies (the common case). */
    @JvmStatic
    public fun capture(loop: LoopCore?): ContextSnapshot? {
        val g = global
        val own = loop?.contextHooks
        if (g.isEmpty() && own == null) return null
        val hooks = if (own == null) g else if (g.isEmpty()) own else g + own
        val values = arrayOfNulls<Any?>(hooks.size)
        for (i in hooks.indices) values[i] = hooks[i].capture()
        return ContextSnapshot(hooks, values)
    }

    /** The link of a waiter made now on [loop]: the loop itself, or with the caller's context when a hook applies. */
    @JvmStatic
    public fun linkFor(loop: LoopCore?): Any? {
        val s = capture(loop) ?: return loop
        return ContextLink(loop, s, null)
    }

    /** As [linkFor], for a wait of JFR [kind] (0 lock, 1 semaphore, 2 queue): its start is kept when JFR records that kind. */
    @JvmStatic
    public fun linkFor(loop: LoopCore?, kind: Int): Any? {
        val s = capture(loop)
        val event = Jfr.SINK.beginWait(kind)
        if (s == null && event == null) return loop
        return ContextLink(loop, s, event)
    }

    /** Installs [s] on the calling thread; returns the states to [restore]. */
    @JvmStatic
    public fun install(s: ContextSnapshot): Array<Any?> {
        val hooks = s.hooks
        val prev = arrayOfNulls<Any?>(hooks.size)
        var i = 0
        try {
            while (i < hooks.size) {
                prev[i] = hooks[i].install(s.values[i])
                i++
            }
        } catch (t: Throwable) {
            restoreFirst(hooks, prev, i)
            throw t
        }
        return prev
    }

    /** Puts back what [install] returned, last hook first; a hook that throws does not keep the others from restoring. */
    @JvmStatic
    public fun restore(s: ContextSnapshot, prev: Array<Any?>) {
        restoreFirst(s.hooks, prev, s.hooks.size)
    }

    private fun restoreFirst(hooks: Array<ContextHook>, prev: Array<Any?>, n: Int) {
        var failure: Throwable? = null
        for (i in n - 1 downTo 0) {
            try {
                hooks[i].restore(prev[i])
            } catch (t: Throwable) {
                if (failure == null) failure = t else failure.addSuppressed(t)
            }
        }
        if (failure != null) throw failure
    }

    /** After a step run with [s]: [s] if no hook saw a change, else a new snapshot (Python's rule: changes persist for the task). */
    @JvmStatic
    public fun recapture(s: ContextSnapshot): ContextSnapshot {
        val hooks = s.hooks
        var values: Array<Any?>? = null
        for (i in hooks.indices) {
            val now = hooks[i].recapture(s.values[i])
            if (now !== s.values[i]) {
                if (values == null) values = s.values.copyOf()
                values[i] = now
            }
        }
        return if (values == null) s else ContextSnapshot(hooks, values)
    }

    /** The snapshot kept in a task's side field (the snapshot itself, or inside its [TaskDebug]). */
    @JvmStatic
    internal fun of(side: Any?): ContextSnapshot? = when (side) {
        is ContextSnapshot -> side
        is TaskDebug -> side.ctx
        else -> null
    }

    /** Runs [r] with [s] installed (a callback, a thread job): no re-capture, the previous state restored on every exit. */
    @JvmStatic
    public fun runWith(s: ContextSnapshot?, r: Runnable) {
        if (s == null) {
            r.run()
            return
        }
        val prev = install(s)
        try {
            r.run()
        } finally {
            restore(s, prev)
        }
    }
}

// ------------------------------------------------------------------------------------ slow steps

/** The stack of a loop thread caught while a step overran (the watchdog), or where a slow step ended. */
public class SlowStepTrace(message: String) : RuntimeException(message, null, false, true)

/**
 * Samples a single-threaded loop's thread while one step runs longer than the threshold: reports
 * the step once, with the stack where the thread is *now* (blocked in `Thread.sleep`, JDBC, a
 * `synchronized` wait). A daemon thread that ends with its loop.
 */
internal class Watchdog(private val loop: EventLoopCore, private val thresholdNanos: Long) : Thread("aio4j-watchdog-${loop.name}") {
    /** When the running step began, or 0 between steps. */
    @Volatile
    @JvmField
    var stepStart: Long = 0L

    /** The start of the last step the watchdog reported (a step is reported once). */
    @Volatile
    @JvmField
    var reported: Long = 0L

    @Volatile
    @JvmField
    var stepName: Runnable? = null

    init {
        isDaemon = true
    }

    /** The start of the last step whose report the watchdog has delivered (guarded by this). */
    private var delivered: Long = 0L

    /**
     * On the loop thread, after a step that began at [start] took too long: true if the watchdog
     * has not reported it (nor will). If it has, waits (up to a second) until its report is
     * delivered, so a step's report is out before the loop goes on: never lost when the program ends.
     */
    fun claim(start: Long): Boolean = synchronized(this) {
        if (reported != start) {
            reported = start
            return true
        }
        val until = System.nanoTime() + 1_000_000_000L
        while (delivered != start) {
            val left = until - System.nanoTime()
            if (left <= 0) break
            (this as Object).wait(left / 1_000_000 + 1)
        }
        false
    }

    private fun delivered(start: Long) = synchronized(this) {
        delivered = start
        (this as Object).notifyAll()
    }

    override fun run() {
        val tick = (thresholdNanos / 2).coerceIn(1_000_000L, 50_000_000L)
        var seen = 0L
        var gcAtSeen = -1L
        while (!loop.isStopped) {
            val s = stepStart
            if (s == 0L || s == reported) {
                java.util.concurrent.locks.LockSupport.parkNanos(this, tick)
                continue
            }
            if (s != seen) { // a new step: note the JVM's GC time, to tell a GC pause from a slow step
                seen = s
                gcAtSeen = GcTime.millis()
            }
            val wait = s + thresholdNanos - System.nanoTime()
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(this, wait)
                continue
            }
            val t = loop.thread() ?: continue
            val stack = t.stackTrace
            val r = stepName
            synchronized(this) {
                if (stepStart != s || reported == s) continue // the step ended meanwhile: the loop thread reports it itself
                reported = s
            }
            val gc = if (gcAtSeen < 0) -1L else GcTime.millis() - gcAtSeen
            try {
                loop.reportSlowStep(r, System.nanoTime() - s, stack, running = true, gcMillis = gc)
            } finally {
                delivered(s)
            }
        }
    }
}

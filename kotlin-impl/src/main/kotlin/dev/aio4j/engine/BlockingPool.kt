package dev.aio4j.engine

import java.util.concurrent.Executor
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.ThreadFactory
import java.util.concurrent.ThreadPoolExecutor
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/**
 * Where `toThread` runs blocking work: one virtual thread per call on JDK 21+ (found at run time,
 * so the jar stays Java 17 bytecode), else a bounded cached pool of daemon threads that grows to
 * [MAX_THREADS], queues beyond that, and lets idle threads go after a minute.
 */
public object BlockingPool {
    /** Upper bound of platform threads on JDK 17 (asyncio's default executor uses min(32, cpus + 4)). */
    @JvmField
    public val MAX_THREADS: Int = maxOf(64, Runtime.getRuntime().availableProcessors() * 8)

    /** True when the executor uses virtual threads. */
    @JvmField
    public val VIRTUAL: Boolean

    private val executor: Executor

    init {
        var vt: ExecutorService? = null
        try {
            val builderType = Class.forName("java.lang.Thread\$Builder")
            val builder = Thread::class.java.getMethod("ofVirtual").invoke(null)
            val named = builderType.getMethod("name", String::class.java, java.lang.Long.TYPE).invoke(builder, "aio4j-to-thread-", 0L)
            val factory = builderType.getMethod("factory").invoke(named) as ThreadFactory
            vt = Executors::class.java.getMethod("newThreadPerTaskExecutor", ThreadFactory::class.java)
                .invoke(null, factory) as ExecutorService
        } catch (e: ReflectiveOperationException) {
            vt = null
        } catch (e: RuntimeException) {
            vt = null
        }
        VIRTUAL = vt != null
        executor = vt ?: run {
            val n = AtomicInteger()
            val pool = ThreadPoolExecutor(
                MAX_THREADS, MAX_THREADS, 60L, TimeUnit.SECONDS, LinkedBlockingQueue(),
                { r -> Thread(r, "aio4j-to-thread-" + n.incrementAndGet()).apply { isDaemon = true } },
            )
            pool.allowCoreThreadTimeOut(true)
            pool
        }
    }

    /** The executor `toThread` uses. */
    @JvmStatic
    public fun executor(): Executor = executor
}

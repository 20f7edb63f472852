package dev.aio4j.samples.kotlin

import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.toList

/** The Kotlin side of `FlowFromJava`: a flow of temperature readings, and a suspend function that collects a flow. */
object Readings {
    /** Readings 20.0, 20.5, 21.0, ... one per millisecond, endless: the consumer decides how many. */
    @JvmStatic
    fun temperatures(): Flow<Double> = flow {
        var t = 20.0
        while (true) {
            delay(1)
            emit(t)
            t += 0.5
        }
    }

    /** Collects [flow] into a list, as Kotlin code would (called from Java through `Async.fromSuspend`). */
    @JvmStatic
    suspend fun collect(flow: Flow<String>): List<String> = flow.toList()
}

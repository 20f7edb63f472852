package dev.aio4j.samples.kotlin

import dev.aio4j.Async
import dev.aio4j.AsyncQueue
import dev.aio4j.Loop
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.future.await
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

/**
 * A Kotlin coroutine and Java tasks sharing one bounded `AsyncQueue`, on one aio4j loop: Java
 * producers feed a Kotlin consumer, then a Kotlin producer feeds a Java consumer. `put` and `get`
 * return futures, which Kotlin awaits with kotlinx's `await()`; a full queue makes the producer
 * wait, whichever language it is written in.
 */
object KotlinQueueInterop {
    @JvmStatic
    fun run() {
        Loop.create("queue-interop").use { loop ->
            runBlocking(loop.asCoroutineDispatcher()) {
                val queue = AsyncQueue.fifo<String>(2)

                // Java producers -> Kotlin consumer
                val producers = Async.gather(QueueWorkers.producer(queue, "a", 3), QueueWorkers.producer(queue, "b", 3))
                val got = ArrayList<String>()
                repeat(6) {
                    got += queue.get().await()
                    queue.taskDone()
                }
                producers.await()
                println("Kotlin took ${got.sorted()}")

                // Kotlin producer -> Java consumer
                val consumer = QueueWorkers.consumer(queue, 3)
                launch {
                    for (i in 1..3) queue.put("k-$i").await()
                }
                println("Java took ${consumer.await()}")
                queue.join().await()
                println("queue empty: ${queue.isEmpty}")
            }
        }
    }

    @JvmStatic
    fun main(args: Array<String>) {
        run()
    }
}

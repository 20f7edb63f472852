package dev.aio4j.samples.kotlin

import dev.aio4j.Async
import dev.aio4j.Loop
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.future.await
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull

/**
 * A Kotlin coroutine awaiting Java tasks with kotlinx's `await()`. The coroutine runs on an aio4j
 * loop (a `Loop` is an `Executor`, so `asCoroutineDispatcher()` makes it a dispatcher), so the
 * Java helpers it calls start their tasks on that loop. Cancelling the coroutine — here by a
 * Kotlin timeout — cancels the task it awaits.
 */
object KotlinAwaitsJava {
    @JvmStatic
    fun run() {
        Loop.create("kotlin-meets-java").use { loop ->
            runBlocking(loop.asCoroutineDispatcher()) {
                val apple = JavaShop.price("apple").await()
                println("apple costs $apple")
                val basket = Async.gather(JavaShop.price("pear"), JavaShop.price("plum")).await()
                println("pear and plum cost $basket, ${basket.sum()} together")
                val quote = JavaShop.slowQuote()
                // the timeout cancels the coroutine, whose await() cancels the task at once
                val answer = withTimeoutOrNull(20) { quote.await() }
                println("slow quote: ${answer ?: "no answer within 20 ms"}")
                println("the quote task is cancelled: ${quote.isCancelled}")
            }
        }
    }

    @JvmStatic
    fun main(args: Array<String>) {
        run()
    }
}

package dev.aio4j.engine.sync


import org.jetbrains.lincheck.datastructures.ModelCheckingOptions
import org.jetbrains.lincheck.datastructures.Operation
import org.junit.jupiter.api.Test
import java.util.concurrent.CompletableFuture

internal class ProbeLincheckTest {
    private var n = 0
    private val f = CompletableFuture<Int>()

    @Operation
    fun inc(): Int = synchronized(this) { ++n }

    @Operation
    fun complete(): Boolean = f.complete(1)

    @Operation
    fun cancel(): Boolean = f.cancel(false)

    @Test
    fun modelCheck() = ModelCheckingOptions().iterations(10).invocationsPerIteration(300).check(this::class.java)
}

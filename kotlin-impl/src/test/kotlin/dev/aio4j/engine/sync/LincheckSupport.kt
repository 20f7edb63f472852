package dev.aio4j.engine.sync

import dev.aio4j.engine.LoopCore
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicReferenceArray

/** Where the model-checking tests keep the futures of waiting calls, so that another operation can cancel them. */
internal class LincheckSlots {
    private val slots = AtomicReferenceArray<CompletableFuture<*>?>(2)

    /**
     * Makes a waiting call and keeps its future in [slot] if the slot is free (else the waiter
     * simply stays, uncancellable), atomically: which call fills a slot must not depend on a race
     * in the test itself.
     */
    fun <F : CompletableFuture<*>> call(slot: Int, call: () -> F): F = synchronized(this) {
        val f = call()
        slots.compareAndSet(slot, null, f)
        f
    }

    /** Cancels the future in [slot]: true if it is now cancelled (the JDK's answer), false if empty or done. */
    fun cancel(slot: Int): Boolean = slots.get(slot)?.cancel(false) ?: false

    /** How many slotted futures are cancelled. */
    fun cancelledCount(): Int = (0 until slots.length()).count { slots.get(it)?.isCancelled == true }
}

/** Keeps the model-checking runs inside the suite's time budget; -Dstress.scale raises it. */
internal object LincheckBudget {
    private val scale = Integer.getInteger("stress.scale", 1).coerceAtLeast(1)

    init {
        LoopCore.current() // initialise the loop classes (and the shared loop) outside the model checker
    }

    fun options(): ModelCheckingOptions = ModelCheckingOptions()
        .iterations(6 * scale)
        .invocationsPerIteration(200 * scale)
        .threads(3)
        .actorsPerThread(2)
}

package dev.aio4j.engine.sync

import org.jetbrains.lincheck.datastructures.IntGen
import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.Param
import org.jetbrains.lincheck.datastructures.Validate
import org.junit.jupiter.api.Test
import java.util.concurrent.atomic.AtomicInteger

/**
 * Model checking of [EventCore]: every interleaving of set, clear, isSet, await (a waiter that
 * stays queued) and cancel of a waiter is linearizable — a waiter woken by set completes even
 * when clear follows at once (its cancel then answers false) — and after each run no waiter is
 * left queued while the flag is set, and every waiter is woken or withdrawn (validated).
 */
@Param(name = "slot", gen = IntGen::class, conf = "0:1")
internal class EventLincheckTest {
    private val event = EventCore()
    private val waiters = LincheckSlots()
    private val woken = AtomicInteger()
    private val awaited = AtomicInteger()

    @Operation
    fun setFlag() {
        event.set()
    }

    @Operation
    fun clearFlag() {
        event.clear()
    }

    @Operation
    fun isSet(): Boolean = event.isSet

    @Operation
    fun await(@Param(name = "slot") slot: Int) {
        awaited.incrementAndGet()
        waiters.call(slot) { event.await() }.thenRun { woken.incrementAndGet() }
    }

    @Operation
    fun cancel(@Param(name = "slot") slot: Int): Boolean = waiters.cancel(slot)

    @Validate
    fun noWaiterIsLeftWhileSet() {
        check(!event.isSet || event.waiterCount() == 0) { "a waiter was left behind by set(): $event" }
        check(woken.get() + waiters.cancelledCount() + event.waiterCount() == awaited.get()) {
            "woken=$woken cancelled=${waiters.cancelledCount()} waiting=${event.waiterCount()} awaited=$awaited"
        }
    }

    @Test
    fun modelCheck() {
        LincheckBudget.options()
            .addCustomScenario { // set wakes the waiters as one is cancelled and the flag is cleared
                initial {
                    actor(::await, 0)
                    actor(::await, 1)
                }
                parallel {
                    thread { actor(::cancel, 0) }
                    thread {
                        actor(::setFlag)
                        actor(::clearFlag)
                    }
                    thread { actor(::isSet) }
                }
            }
            .check(this::class.java)
    }
}

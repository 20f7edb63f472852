package dev.aio4j.engine.sync

import org.jetbrains.lincheck.datastructures.IntGen
import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.Param
import org.jetbrains.lincheck.datastructures.Validate
import org.junit.jupiter.api.Test
import java.util.concurrent.atomic.AtomicInteger

/**
 * Model checking of [SemaphoreCore] with one permit: every interleaving of tryAcquire, acquire
 * (a waiter that stays queued), cancel of a waiter, release and availablePermits is
 * linearizable, and no permit is ever lost or doubled (validated after each run:
 * free + held = 1 + releases).
 *
 * The callers run outside any loop, so a hand-over completes inline on the releasing thread;
 * the cancel-during-hand-over race is a cancel interleaved between a release's grant (under the
 * monitor) and its completion of the future, which must then give the permit back.
 */
@Param(name = "slot", gen = IntGen::class, conf = "0:1")
internal class SemaphoreLincheckTest {
    private val sem = SemaphoreCore(1, false)
    private val waiters = LincheckSlots()

    /** Permits held by callers (counted when a future completes normally). */
    private val held = AtomicInteger()

    /** Releases made. */
    private val released = AtomicInteger()

    @Operation
    fun tryAcquire(): Boolean {
        val ok = sem.tryAcquire()
        if (ok) held.incrementAndGet()
        return ok
    }

    /** Acquires; a waiter stays queued (cancellable through its slot) and counts as held once it completes. */
    @Operation
    fun acquire(@Param(name = "slot") slot: Int) {
        waiters.call(slot) { sem.acquire() }.thenRun { held.incrementAndGet() }
    }

    @Operation
    fun cancel(@Param(name = "slot") slot: Int): Boolean = waiters.cancel(slot)

    /** Releases a permit (a plain semaphore may be released past its initial count). */
    @Operation
    fun release() {
        released.incrementAndGet()
        sem.release()
    }

    @Operation
    fun available(): Int = sem.availablePermits()

    @Validate
    fun permitsAreConserved() {
        val free = sem.availablePermits()
        check(free + held.get() == 1 + released.get()) {
            "permit lost or doubled: free=$free held=${held.get()} released=${released.get()} $sem"
        }
    }

    @Test
    fun modelCheck() {
        LincheckBudget.options()
            .addCustomScenario { // the hand-over race, always explored: a release grants the first waiter as it is cancelled
                initial {
                    actor(::tryAcquire)
                    actor(::acquire, 0)
                    actor(::acquire, 1)
                }
                parallel {
                    thread { actor(::cancel, 0) }
                    thread { actor(::release) }
                    thread { actor(::available) }
                }
            }
            .check(this::class.java)
    }
}

package dev.aio4j.engine.sync

import org.jetbrains.lincheck.datastructures.IntGen
import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.Param
import org.jetbrains.lincheck.datastructures.Validate
import org.junit.jupiter.api.Test
import java.util.concurrent.atomic.AtomicInteger

/**
 * Model checking of [LockCore] used correctly (only a holder releases), as a safety check: in
 * every interleaving of tryAcquire, acquire (a waiter that stays queued), cancel of a waiter and
 * release by the holder, no two callers ever hold the lock at once, and after each run there is
 * one holder exactly while the lock is locked (the lock is never lost). The operations return
 * nothing: a test-side holder count cannot change atomically with the lock, so their answers
 * would not be comparable with a sequential run; the invariants are checked instead.
 *
 * Releases by code that does not hold the lock are left out: asyncio allows them, and with one
 * racing a cancelled hand-over the answers (cancel true, both releases accepted) are not those of
 * any sequential order — Lincheck showed that the give-back could then release a later holder's
 * lock, which the lock now refuses to do (AsyncLockTest covers that case).
 */
@Param(name = "slot", gen = IntGen::class, conf = "0:1")
internal class LockLincheckTest {
    private val lock = LockCore()
    private val waiters = LincheckSlots()
    private val holders = AtomicInteger()
    private val overlaps = AtomicInteger()

    private fun took() {
        if (holders.incrementAndGet() != 1) overlaps.incrementAndGet()
    }

    @Operation
    fun tryAcquire() {
        if (lock.tryAcquire()) took()
    }

    @Operation
    fun acquire(@Param(name = "slot") slot: Int) {
        waiters.call(slot) { lock.acquire() }.thenRun { took() }
    }

    @Operation
    fun cancel(@Param(name = "slot") slot: Int) {
        waiters.cancel(slot)
    }

    /** The holder, if there is one, gives the lock up: uncounted before the release, so a hand-over it makes is not an overlap. */
    @Operation
    fun release() {
        while (true) {
            val h = holders.get()
            if (h == 0) return
            if (holders.compareAndSet(h, h - 1)) break
        }
        lock.release()
    }

    @Validate
    fun oneHolderExactlyWhileLocked() {
        check(overlaps.get() == 0) { "two holders at once" }
        check(holders.get() == (if (lock.isLocked) 1 else 0)) { "holders=$holders but $lock" }
    }

    @Test
    fun modelCheck() {
        LincheckBudget.options()
            .addCustomScenario { // the holder hands the lock to the first waiter as it is cancelled
                initial {
                    actor(::tryAcquire)
                    actor(::acquire, 0)
                    actor(::acquire, 1)
                }
                parallel {
                    thread { actor(::cancel, 0) }
                    thread {
                        actor(::release)
                        actor(::release)
                    }
                    thread { actor(::tryAcquire) }
                }
            }
            .check(this::class.java)
    }
}

package dev.aio4j.engine

import dev.aio4j.engine.sync.StreamFuture
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference
import kotlin.concurrent.thread
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/**
 * A stage's own callback runs even when the stage is cancelled while its source is completing on
 * another thread: the cleanup in `work().whenComplete(release)` is never skipped because a
 * cancellation arrived between the source's completion and the callback's turn. The source's
 * completion is held in between on purpose (a callback registered later runs first and waits), so
 * each test hits the window every time.
 */
@Timeout(30)
class DerivedCancelRaceTest {
    private val loop: LoopCore = SharedLoopCore.INSTANCE

    /**
     * Holds the completion of [at] while it is on its way down: [around] registers a callback on
     * [at] before and after the stage under test is made, so whichever order the JDK runs them in,
     * one runs before that stage's callback and waits until the test has done its part.
     */
    private class Hold(private val at: CompletableFuture<*>) {
        private val first = java.util.concurrent.atomic.AtomicBoolean()
        private val reached = CountDownLatch(1)
        private val release = CountDownLatch(1)

        private fun register() {
            at.whenComplete { _, _ ->
                if (first.compareAndSet(false, true)) {
                    reached.countDown()
                    release.await(10, TimeUnit.SECONDS)
                }
            }
        }

        fun <S> around(make: () -> S): S {
            register()
            val s = make()
            register()
            return s
        }

        /** Completes on another thread ([complete]); runs [inWindow] while the completion is held; its outcome. */
        fun <T> inTheWindow(complete: () -> Unit, inWindow: () -> T): T {
            val completer = thread(name = "completer") { complete() }
            assertTrue(reached.await(10, TimeUnit.SECONDS))
            assertTrue(at.isDone)
            val r = try {
                inWindow()
            } finally {
                release.countDown()
            }
            completer.join(10_000)
            return r
        }
    }

    @Test
    fun aCallbackWhoseSourceStageIsCompletingOnAnotherThreadRunsWhenTheCallbacksStageIsCancelled() {
        // work().thenApply(..).whenComplete(release): `a` has completed, its callbacks are running on the
        // completing thread, release is next — and another thread cancels the whenComplete stage
        val root = StreamFuture<Any?>(loop)
        val a = root.thenApply { it }
        val ran = AtomicInteger()
        val hold = Hold(a)
        val w = hold.around { a.whenComplete { _, _ -> ran.incrementAndGet() } }
        val cancelled = hold.inTheWindow({ root.succeed("x") }) {
            assertFalse(w.isDone, "the window is hit: the callback has not run yet")
            w.cancel(true)
        }
        assertEquals(1, ran.get(), "the callback ran")
        assertFalse(cancelled, "too late: the stage completes as its source did")
        assertEquals("x", w.join())
    }

    @Test
    fun aCallbackWhoseSourceStageIsBeingCancelledOnAnotherThreadRunsWithTheCancellation() {
        // the stream's case: one thread cancels the chain from its root, another cancels its last stage
        val root = StreamFuture<Any?>(loop)
        val a = root.thenApply { it }
        val ran = AtomicInteger()
        val seen = AtomicReference<Throwable?>()
        val hold = Hold(a)
        val w = hold.around {
            a.whenComplete { _, e ->
                seen.set(e)
                ran.incrementAndGet()
            }
        }
        val cancelled = hold.inTheWindow({ a.cancel(true) }) {
            assertFalse(w.isDone, "the window is hit")
            w.cancel(true)
        }
        assertEquals(1, ran.get(), "the callback ran")
        assertTrue(Outcomes.unwrap(seen.get()!!) is CancellationException, "with the cancellation: ${seen.get()}")
        assertFalse(cancelled)
        assertTrue(w.isCompletedExceptionally)
        assertTrue(root.isCancelled, "the chain was cancelled from its root")
    }

    @Test
    fun aCallbackOnARootThatIsCompletingAnswersFalseAndRuns() {
        val root = StreamFuture<Any?>(loop)
        val ran = AtomicInteger()
        val hold = Hold(root)
        val w = hold.around { root.whenComplete { _, _ -> ran.incrementAndGet() } }
        val cancelled = hold.inTheWindow({ root.cancel(true) }) {
            assertFalse(w.isDone, "the window is hit")
            w.cancel(true)
        }
        assertEquals(1, ran.get())
        assertFalse(cancelled, "too late: the stage is completing as its source did")
        assertTrue(w.isCompletedExceptionally)
    }

    @Test
    fun aCompositionWhoseSourceIsDoneIsStillCancelledWithWhatItWaitsOn() {
        val root = StreamFuture<Any?>(loop)
        val inner = StreamFuture<Any?>(loop)
        val c = root.thenCompose { inner }
        root.succeed(1)
        assertTrue(c.cancel(true))
        assertTrue(c.isCancelled)
        assertTrue(inner.isCancelled, "the stage it waited on is cancelled")
    }

    @Test
    fun aCombinationWaitingForItsOtherSourceIsStillCancellable() {
        val root = StreamFuture<Any?>(loop)
        val other = CompletableFuture<Any?>()
        val both = root.thenCombine(other) { a, b -> "$a$b" }
        root.succeed(1)
        assertTrue(both.cancel(true), "its other source is pending: nothing is completing it")
        assertTrue(both.isCancelled)
    }

    @Test
    fun aStageWaitingForItsExecutorIsNotCancelledUnderIt() {
        // the source is done and the callback is queued on the loop: it runs, so cancel answers false
        val root = StreamFuture<Any?>(loop)
        root.succeed(1)
        val gate = CountDownLatch(1)
        val started = CountDownLatch(1)
        val held = CompletableFuture<Any?>()
        val ran = AtomicInteger()
        val w = root.whenCompleteAsync({ _, _ -> ran.incrementAndGet() }) { r ->
            thread {
                started.countDown()
                gate.await(10, TimeUnit.SECONDS)
                r.run()
                held.complete(null)
            }
        }
        assertTrue(started.await(10, TimeUnit.SECONDS))
        assertFalse(w.cancel(true))
        gate.countDown()
        held.get(10, TimeUnit.SECONDS)
        assertEquals(1, ran.get())
        assertEquals(1, w.join())
    }

    @Test
    fun aPendingChainIsCancelledFromItsRootAsBefore() {
        val root = StreamFuture<Any?>(loop)
        val ran = AtomicInteger()
        val w = root.thenApply { it }.whenComplete { _, e -> if (e is CancellationException || e is CompletionException) ran.incrementAndGet() }
        assertTrue(w.cancel(true))
        assertTrue(w.isCancelled)
        assertTrue(root.isCancelled)
        assertEquals(1, ran.get())
    }
}

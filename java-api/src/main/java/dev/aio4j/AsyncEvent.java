package dev.aio4j;

import dev.aio4j.engine.sync.EventCore;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A flag that tasks wait for (asyncio's {@code Event}): {@link #set()} wakes every waiter, and
 * later {@link #await()}s complete at once until {@link #clear()}.
 *
 * <pre>{@code
 * AsyncEvent ready = new AsyncEvent();
 * ready.await().thenRun(() -> System.out.println("go"));
 * ready.set();
 * }</pre>
 *
 * <p>Every waiter woken by {@link #set()} completes, even if {@link #clear()} follows at once.
 *
 * <p><b>Threads.</b> Every method is thread-safe, from any thread and from tasks of different
 * loops at once. A waiter's future completes on the loop of the task that called
 * {@link #await()} (at its next step); called outside any loop, on the thread that sets the event.
 * A future that is cancelled completes, and runs its dependent stages, on the thread that cancels it.
 *
 * @since 0.1.0
 */
public final class AsyncEvent {
    final EventCore core = new EventCore();

    /** Creates an event whose flag is not set. */
    public AsyncEvent() {}

    /**
     * Sets the flag and wakes every waiter. Does nothing if it is already set.
     */
    public void set() {
        core.set();
    }

    /**
     * Clears the flag: later {@link #await()}s wait for the next {@link #set()}. Waiters already
     * woken still complete.
     */
    public void clear() {
        core.clear();
    }

    /**
     * Tells whether the flag is set.
     *
     * @return true if set
     */
    public boolean isSet() {
        return core.isSet();
    }

    /**
     * Waits for the flag (asyncio's {@code await event.wait()}).
     *
     * <p>The future completes with {@code null} when the flag is set: at once (an
     * already-completed future, possibly shared) if it is set now, otherwise at the next
     * {@link #set()}.
     *
     * <p><b>Cancelling</b> the future (or a stage derived from it) withdraws the waiter: it
     * completes with a {@link CancellationException} and leaves nothing behind.
     * {@code completeExceptionally} (hence {@code orTimeout}) withdraws it the same way;
     * {@code complete} and {@code obtrude*} throw {@link UnsupportedOperationException}.
     *
     * @return a future that completes when the flag is set
     */
    public CompletableFuture<Void> await() {
        return core.await();
    }

    /**
     * Describes the event: {@code AsyncEvent[unset, waiters=3]}.
     *
     * @return the state
     */
    @Override
    public String toString() {
        return core.toString();
    }
}

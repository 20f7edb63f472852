package dev.aio4j;

import dev.aio4j.engine.CallbackHandle;

/**
 * A callback scheduled with {@link Loop#callSoon(Runnable)} or
 * {@link Loop#callLater(java.time.Duration, Runnable)} that can still be withdrawn
 * (asyncio's {@code Handle} / {@code TimerHandle}).
 *
 * @since 0.1.0
 */
public final class Handle {
    private final CallbackHandle core;

    Handle(CallbackHandle core) {
        this.core = core;
    }

    /**
     * Withdraws the callback if it has not run yet (its timer, if any, is removed at once).
     * Does nothing if it already ran or was cancelled. Thread-safe.
     */
    public void cancel() {
        core.cancel();
    }

    /**
     * Tells whether {@link #cancel()} was called.
     *
     * @return true once cancelled
     */
    public boolean isCancelled() {
        return core.isCancelled();
    }

    @Override
    public String toString() {
        return core.toString();
    }
}

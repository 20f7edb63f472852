package dev.aio4j;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * The producer side of a {@link AsyncStream#push} stream, for callback APIs: every method may be
 * called from any thread.
 *
 * @param <T> the type of the items
 * @since 0.1.0
 */
public interface Sink<T> {
    /**
     * Emits {@code item} if that needs no waiting; never waits and never throws for a full buffer.
     *
     * @param item the item; not null
     * @return {@link EmitResult#OK} if the item was taken (handed over, buffered, or dropped by a
     *     {@code DROP_*} overflow), {@link EmitResult#FULL} if the buffer is full, or
     *     {@link EmitResult#CLOSED} if the stream has ended or its consumer is gone; unless OK the
     *     item was not taken
     * @throws NullPointerException if {@code item} is null
     */
    EmitResult tryEmit(T item);

    /**
     * Emits {@code item}, waiting for room when the buffer is full (with {@link Overflow#SUSPEND}).
     * The future completes when the item is accepted; it fails with {@link CancellationException}
     * once the consumer is gone (the item then goes to {@link AsyncStream#onDiscard}), and with
     * {@link java.nio.BufferOverflowException} for an overflow under {@link Overflow#FAIL}.
     * Cancelling the future while it waits withdraws the item (it is discarded).
     *
     * @param item the item; not null
     * @return a future that completes when the item is accepted
     * @throws NullPointerException if {@code item} is null
     */
    CompletableFuture<Void> emit(T item);

    /**
     * Ends the stream normally, after the items already emitted, and runs the
     * {@link #onCancel} code (once, on the loop: the source is done). Only the first
     * {@code complete} or {@link #fail} counts: later calls, and calls after the run has ended,
     * do nothing. After it, {@link #tryEmit} answers {@link EmitResult#CLOSED} and {@link #emit}
     * returns a future failed with {@link CancellationException} (its item goes to
     * {@link AsyncStream#onDiscard}).
     */
    void complete();

    /**
     * Fails the stream with {@code error}, after the items already emitted, and runs the
     * {@link #onCancel} code (once, on the loop). Only the first {@link #complete} or
     * {@code fail} counts: later calls (a {@code fail} after {@code complete} too), and calls
     * after the run has ended, do nothing. Later emits are refused as after {@link #complete}.
     *
     * @param error the failure
     * @throws NullPointerException if {@code error} is null
     */
    void fail(Throwable error);

    /**
     * Registers the code that unregisters the callback. Required: {@code register} must call it,
     * or the run fails with {@link IllegalStateException}. It runs exactly once, on the run's
     * loop, when the run ends in any way (completed, failed, cancelled), or at {@link #complete}
     * or {@link #fail}; if it throws, the exception goes to the loop's exception handler. Call it
     * once: a later call replaces the code if that has not run yet (the replaced code never
     * runs), and is ignored once it has run. Called after the run has ended (it was cancelled
     * while {@code register} ran), the code runs at once, on the loop.
     *
     * @param unregister the code that removes the callback
     * @throws NullPointerException if {@code unregister} is null
     */
    void onCancel(Runnable unregister);
}

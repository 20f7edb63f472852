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

    /** Ends the stream normally, after the items already emitted. Later calls and emits are ignored or refused. */
    void complete();

    /**
     * Fails the stream with {@code error}, after the items already emitted.
     *
     * @param error the failure
     * @throws NullPointerException if {@code error} is null
     */
    void fail(Throwable error);

    /**
     * Registers the code that unregisters the callback. Required: {@code register} must call it,
     * or the run fails with {@link IllegalStateException}. It runs exactly once, on the run's
     * loop, when the run ends in any way (completed, failed, cancelled).
     *
     * @param unregister the code that removes the callback
     * @throws NullPointerException if {@code unregister} is null
     */
    void onCancel(Runnable unregister);
}

package dev.aio4j;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * One run of an {@link AsyncStream}, consumed by hand (Python's {@code async for} protocol with
 * {@code aclose}). Get one from {@link AsyncStream#iterator()} (then the caller must
 * {@link #close()} it) or, scoped, from {@link AsyncStream#use}. Thread-safe.
 *
 * @param <T> the type of the items
 * @since 0.1.0
 */
public interface AsyncIterator<T> {
    /**
     * The next item. The future completes with the item, with {@code null} at the end of the
     * stream (items are never null), or fails with the stream's failure. The run starts at the
     * first call. Several calls may be pending at once: they are served in order, one item each,
     * and their number is the demand (several worker tasks may share one iterator). Cancelling a
     * pending call withdraws it; an item handed to it at that moment goes to the next pending call
     * or is kept for the next one: nothing is lost.
     *
     * @return the next item, or null at the end; a future failed with
     *     {@link IllegalStateException} if the iterator is closed, or with
     *     {@link CancellationException} if it is closed while the call waits
     */
    CompletableFuture<T> next();

    /**
     * Closes the iterator (Python's {@code aclose}): pending {@link #next()} calls complete with
     * {@link CancellationException}, the producers are cancelled, and items not yet delivered go
     * to {@link AsyncStream#onDiscard}. The returned future completes once the producers'
     * cleanup has run. Idempotent: every call returns the same future; never fails.
     *
     * @return a future that completes when the run has finished
     */
    CompletableFuture<Void> close();

    /**
     * True once {@link #close()} was called.
     *
     * @return whether the iterator is closed
     */
    boolean isClosed();
}

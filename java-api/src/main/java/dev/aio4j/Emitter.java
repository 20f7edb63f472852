package dev.aio4j;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * Where an {@link AsyncGenerator} or a {@link Transformer} emits its items: Python's
 * {@code yield}, with backpressure.
 *
 * @param <T> the type of the items
 * @since 0.1.0
 */
public interface Emitter<T> {
    /**
     * Emits {@code item}. The returned future completes when the item is <em>accepted</em>: taken
     * by the consumer (or the next operator), or put into a downstream buffer that has room.
     * Without a buffer the hand-off is a rendezvous: the generator is ahead of its consumer by at
     * most this one item. Emits are sequential: chain the next emit on the returned future.
     *
     * <p>The future fails with {@link CancellationException} once the consumer is gone (closed,
     * {@code take} reached its count, the terminal task was cancelled, a downstream operator
     * failed); the item, never accepted, then goes to {@link AsyncStream#onDiscard} exactly once.
     * Cancelling the future while it waits withdraws the item (it is discarded, not delivered);
     * once accepted, cancelling it has no effect.
     *
     * @param item the item; not null
     * @return a future that completes when the item is accepted
     * @throws NullPointerException if {@code item} is null
     * @throws IllegalStateException if the previous emit has not been accepted yet (the stream
     *     goes on; the item is not emitted)
     */
    CompletableFuture<Void> emit(T item);

    /**
     * True once the consumer is gone: every later {@link #emit} fails with {@link CancellationException}.
     *
     * @return whether the stream's consumer is gone
     */
    boolean isCancelled();
}

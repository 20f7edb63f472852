package dev.aio4j;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;

/**
 * One step of {@link AsyncStream#transform}: the Java shape of
 * {@code async for v in it: ... yield ...}. It is called once per upstream item and may emit any
 * number of items downstream; the next upstream item is requested only after the returned stage
 * completes.
 *
 * @param <T> the type of the upstream items
 * @param <R> the type of the emitted items
 * @since 0.1.0
 */
@FunctionalInterface
public interface Transformer<T, R> {
    /**
     * Handles one upstream item, on the run's loop.
     *
     * <p>When the run is cancelled while the step is in progress (the consumer closes, a
     * {@code take} below has its items, the terminal task is cancelled, a stage below fails), the
     * step's pending emit and every later one fail with {@link CancellationException} (an item
     * never accepted goes to {@link AsyncStream#onDiscard}), the returned stage is cancelled, and
     * the run waits for it to complete (its callbacks, the step's {@code finally}) before it ends.
     *
     * @param item the upstream item (never null)
     * @param out where to emit the items this step produces
     * @return a stage that completes when the step is done (its value is ignored); its failure
     *     fails the stream, and so does returning null ({@link NullPointerException})
     * @throws Exception to fail the stream
     */
    CompletionStage<?> apply(T item, Emitter<R> out) throws Exception;
}

package dev.aio4j;

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
     * @param item the upstream item (never null)
     * @param out where to emit the items this step produces
     * @return a stage that completes when the step is done (its value is ignored); its failure
     *     fails the stream
     * @throws Exception to fail the stream
     */
    CompletionStage<?> apply(T item, Emitter<R> out) throws Exception;
}

package dev.aio4j;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;

/**
 * The body of an async generator (Python's {@code async def} with {@code yield}), for
 * {@link AsyncStream#generate}: it emits items through {@code out}, chaining each
 * {@link Emitter#emit} on the previous one, and returns a stage that completes when it is done.
 *
 * @param <T> the type of the items
 * @since 0.1.0
 */
@FunctionalInterface
public interface AsyncGenerator<T> {
    /**
     * Runs the generator once (one run of the stream), on the run's loop, at the run's first
     * request for an item.
     *
     * <p>When the run is cancelled before the generator is done (the consumer closes, a
     * {@code take} has its items, the terminal task is cancelled, a stage below fails), the
     * pending emit and every later one fail with {@link CancellationException} (an item never
     * accepted goes to {@link AsyncStream#onDiscard}), the returned stage is cancelled, and the
     * run waits for it to complete (its callbacks, the generator's {@code finally}) before it
     * ends.
     *
     * @param out where to emit the items
     * @return a stage that completes when the generator is done: normally to end the stream
     *     (its value is ignored), exceptionally to fail it; returning null fails the stream with
     *     {@link NullPointerException}
     * @throws Exception to fail the stream
     */
    CompletionStage<?> run(Emitter<T> out) throws Exception;
}

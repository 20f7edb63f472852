package dev.aio4j;

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
     * Runs the generator once (one run of the stream), on the run's loop.
     *
     * @param out where to emit the items
     * @return a stage that completes when the generator is done: normally to end the stream
     *     (its value is ignored), exceptionally to fail it
     * @throws Exception to fail the stream
     */
    CompletionStage<?> run(Emitter<T> out) throws Exception;
}

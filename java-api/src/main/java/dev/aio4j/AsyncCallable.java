package dev.aio4j;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/**
 * The Java shape of Python's {@code async def}: code that starts some asynchronous work and
 * returns the stage that completes with its result.
 *
 * <p>An {@code AsyncCallable} is run by a {@link Task} on a {@link Loop}: {@code call()} runs on
 * the loop's thread, and the task then awaits the returned stage. It should not block; blocking
 * work belongs in {@link Async#toThread}. A {@code call()} that throws fails its task with that
 * exception; one that returns {@code null} fails it with a {@link NullPointerException}.
 *
 * <pre>{@code
 * AsyncCallable<String> fetch = () -> Async.sleep(Duration.ofMillis(10), "done");
 * }</pre>
 *
 * @param <T> the type of the result
 * @since 0.1.0
 */
@FunctionalInterface
public interface AsyncCallable<T> extends Callable<CompletionStage<T>> {
    /**
     * Starts the work and returns the stage that completes with its result.
     *
     * @return the stage the calling task awaits; never {@code null}
     * @throws Exception any failure while starting; it fails the task that runs this callable
     */
    @Override
    CompletionStage<T> call() throws Exception;
}

package dev.aio4j;

import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * How one stage ended, as {@link Async#gatherSettled(java.util.Collection)} reports it (asyncio's
 * {@code gather(..., return_exceptions=True)}): a {@link Success} with its value or a
 * {@link Failure} with its exception (a cancellation is a {@code Failure} whose error is a
 * {@link java.util.concurrent.CancellationException}).
 *
 * <pre>{@code
 * switch (outcome) {
 *     case Outcome.Success<String> s -> use(s.value());   // Java 21 pattern matching
 *     case Outcome.Failure<String> f -> log(f.error());
 * }
 * }</pre>
 *
 * @param <T> the type of the value
 * @since 0.1.0
 */
public sealed interface Outcome<T> {
    /**
     * The outcome of a stage that completed normally.
     *
     * @param value the value (may be null)
     * @param <T> the type of the value
     */
    record Success<T>(T value) implements Outcome<T> {
        @Override
        public boolean isSuccess() {
            return true;
        }

        @Override
        public T getOrThrow() {
            return value;
        }
    }

    /**
     * The outcome of a stage that failed or was cancelled.
     *
     * @param error the failure, unwrapped from {@link CompletionException}
     * @param <T> the type the value would have had
     */
    record Failure<T>(Throwable error) implements Outcome<T> {
        /**
         * Creates the outcome.
         *
         * @param error the failure, unwrapped from {@link CompletionException}
         * @throws NullPointerException if {@code error} is null
         */
        public Failure {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public boolean isSuccess() {
            return false;
        }

        @Override
        public T getOrThrow() {
            if (error instanceof RuntimeException r) throw r;
            if (error instanceof Error e) throw e;
            throw new CompletionException(error);
        }
    }

    /**
     * Tells whether this is a {@link Success}.
     *
     * @return true for a {@code Success}, false for a {@code Failure}
     */
    boolean isSuccess();

    /**
     * The value of a {@code Success}; for a {@code Failure}, throws its error (unchecked errors as
     * they are, checked ones wrapped in {@link CompletionException}).
     *
     * @return the value
     */
    T getOrThrow();

    /**
     * A {@code Success} with {@code value}.
     *
     * @param value the value
     * @param <T> the type of the value
     * @return the outcome
     */
    static <T> Outcome<T> success(T value) {
        return new Success<>(value);
    }

    /**
     * A {@code Failure} with {@code error}.
     *
     * @param error the failure
     * @param <T> the type the value would have had
     * @return the outcome
     * @throws NullPointerException if {@code error} is null
     */
    static <T> Outcome<T> failure(Throwable error) {
        return new Failure<>(error);
    }
}

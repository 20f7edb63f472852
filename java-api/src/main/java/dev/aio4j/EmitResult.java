package dev.aio4j;

/**
 * The outcome of {@link Sink#tryEmit}, which never waits.
 *
 * @since 0.1.0
 */
public enum EmitResult {
    /** The item was taken: handed to the consumer, buffered, or dropped by a {@code DROP_*} {@link Overflow}. */
    OK,
    /** The buffer is full ({@link Overflow#SUSPEND}, or the overflowing call of {@link Overflow#FAIL}); the item was not taken. */
    FULL,
    /** The stream has ended or its consumer is gone; the item was not taken. */
    CLOSED
}

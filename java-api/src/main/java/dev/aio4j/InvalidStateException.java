package dev.aio4j;

/**
 * Thrown by {@link Task#result()} and {@link Task#exception()} when the task is not done yet
 * (asyncio's {@code InvalidStateError}).
 *
 * @since 0.1.0
 */
public class InvalidStateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with a message that says what was not ready.
     *
     * @param message the detail message
     */
    public InvalidStateException(String message) {
        super(message);
    }
}

package dev.aio4j;

/**
 * Thrown by {@link AsyncQueue#putNowait} when the queue is full (asyncio's {@code QueueFull}).
 * An {@link IllegalStateException}, as {@link java.util.Queue#add} throws when full.
 *
 * @since 0.1.0
 */
public class QueueFullException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the detail message
     */
    public QueueFullException(String message) {
        super(message);
    }
}

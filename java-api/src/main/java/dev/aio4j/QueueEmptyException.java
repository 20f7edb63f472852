package dev.aio4j;

import java.util.NoSuchElementException;

/**
 * Thrown by {@link AsyncQueue#getNowait} when the queue is empty (asyncio's {@code QueueEmpty}).
 * A {@link NoSuchElementException}, as {@link java.util.Queue#remove} throws when empty.
 *
 * @since 0.1.0
 */
public class QueueEmptyException extends NoSuchElementException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the detail message
     */
    public QueueEmptyException(String message) {
        super(message);
    }
}

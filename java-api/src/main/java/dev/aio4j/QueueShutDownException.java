package dev.aio4j;

/**
 * The failure of a put on a queue that was {@linkplain AsyncQueue#shutdown(boolean) shut down},
 * and of a get on a shut-down queue that has no item left (asyncio's {@code QueueShutDown},
 * Python 3.13). Waiting putters and getters fail with it when the queue is shut down.
 *
 * @since 0.1.0
 */
public class QueueShutDownException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with the message "the queue is shut down". */
    public QueueShutDownException() {
        super("the queue is shut down");
    }

    /**
     * Creates the exception.
     *
     * @param message the detail message
     */
    public QueueShutDownException(String message) {
        super(message);
    }
}

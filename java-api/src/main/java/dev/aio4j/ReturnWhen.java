package dev.aio4j;

/**
 * When {@link Async#wait(java.util.Collection, ReturnWhen)} returns (asyncio's {@code return_when}).
 *
 * @since 0.1.0
 */
public enum ReturnWhen {
    /** As soon as any stage has completed, in any way. */
    FIRST_COMPLETED,
    /**
     * As soon as any stage has failed with an exception (a cancellation does not count), or when
     * all have completed if none failed.
     */
    FIRST_EXCEPTION,
    /** When every stage has completed. */
    ALL_COMPLETED
}

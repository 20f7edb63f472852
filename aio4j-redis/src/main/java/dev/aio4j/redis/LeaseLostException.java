package dev.aio4j.redis;

/**
 * A {@link Delivery}'s lease is gone: another consumer claimed the job after the lease expired
 * (or the job was already acknowledged, retried, released or dead-lettered), so this holder may no
 * longer settle it. Nothing was changed in Redis. The job is then another holder's to finish; the
 * work this holder did may run again (at-least-once).
 *
 * @since 0.1.0
 */
public final class LeaseLostException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was refused, naming the job and the consumer
     */
    public LeaseLostException(String message) {
        super(message);
    }
}

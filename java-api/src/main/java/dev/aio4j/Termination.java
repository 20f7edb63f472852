package dev.aio4j;

import java.util.Objects;

/**
 * How a run of an {@link AsyncStream} ended: completed, failed, or cancelled.
 *
 * @since 0.1.0
 */
public sealed interface Termination permits Termination.Completed, Termination.Failed, Termination.Cancelled {
    /** The stream ended normally. */
    record Completed() implements Termination {}

    /**
     * The stream failed.
     *
     * @param error the failure
     */
    record Failed(Throwable error) implements Termination {
        /**
         * A failure.
         *
         * @param error the failure; not null
         * @throws NullPointerException if {@code error} is null
         */
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }

    /** The run was cancelled (the consumer went away, or the terminal task was cancelled). */
    record Cancelled() implements Termination {}
}

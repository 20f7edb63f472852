package dev.aio4j;

import java.util.concurrent.CompletableFuture;

/**
 * One stage of one run of an {@link AsyncStream}, pulled by the stage below it (internal).
 *
 * <p>Rules every stage keeps: {@link #next()} is called on the run's loop, by one consumer, one
 * call at a time (the next call only after the previous future completed); {@link #cancel()} is
 * called on the run's loop and is idempotent. An item a stage has received is passed on, or given
 * to the discard handler it was opened with: never dropped silently.
 */
interface Cursor<T> {
    /** The next item, or null at the end; fails with the stream's failure. */
    CompletableFuture<T> next();

    /** The consumer is gone: stop the upstream, discard what is held. */
    void cancel();
}

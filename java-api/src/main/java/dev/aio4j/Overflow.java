package dev.aio4j;

/**
 * What a bounded stream buffer does with an item that finds it full: in
 * {@link AsyncStream#buffer(int, Overflow)} and {@link AsyncStream#push}.
 *
 * @since 0.1.0
 */
public enum Overflow {
    /** The producer waits: {@code emit} completes when there is room; {@link Sink#tryEmit} answers {@link EmitResult#FULL}. */
    SUSPEND,
    /** The oldest buffered item is dropped (to {@link AsyncStream#onDiscard}) to make room; the producer never waits. */
    DROP_OLDEST,
    /** The new item is dropped (to {@link AsyncStream#onDiscard}); the producer never waits. */
    DROP_LATEST,
    /**
     * The stream fails with {@link java.nio.BufferOverflowException}, after the items already
     * buffered; the producer is then refused ({@link Sink#tryEmit} answers {@link EmitResult#CLOSED}).
     */
    FAIL
}

package dev.aio4j.test;

/**
 * The failure of a driving call (or of closing) whose step budget or wall-clock timeout ran out:
 * an {@link AssertionError} whose message ends with the loop's dump. Not API: callers see an
 * {@code AssertionError}; {@link TestLoopExtension} knows from the type not to attach the dump twice.
 */
final class StuckLoopError extends AssertionError {
    private static final long serialVersionUID = 1L;

    StuckLoopError(String messageWithDump) {
        super(messageWithDump);
    }
}

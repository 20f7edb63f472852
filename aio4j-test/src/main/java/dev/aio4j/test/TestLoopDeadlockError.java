package dev.aio4j.test;

/**
 * A {@link TestLoop} found that the task it runs can never finish: it waits, nothing is ready, no
 * timer is pending and no outside work is outstanding; or, without auto-advance, it waits for a
 * timer nobody advanced the clock to. The message ends with the dump; {@link #dump()} gives it alone.
 *
 * @since 0.2.0
 */
public final class TestLoopDeadlockError extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** The dump taken when the deadlock was found. */
    private final String dump;

    TestLoopDeadlockError(String message, String dump) {
        super(message + "\n" + dump);
        this.dump = dump;
    }

    /**
     * The task dump taken when the deadlock was found: each live task, what it awaits, who awaits it.
     *
     * @return the dump, never null
     */
    public String dump() {
        return dump;
    }
}

package dev.aio4j.test;

import dev.aio4j.Loop;
import java.time.Duration;

/** The virtual clock as the code under test sees it, for asserting the exact instant something happened. */
final class Instants {
    private Instants() {}

    /** A delay no test reaches: a sleep of it is still pending when the test ends. */
    static final Duration FOREVER = Duration.ofDays(365);

    /** The largest Duration there is. */
    static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    /**
     * The current loop's {@link Loop#time()} as a Duration: called in a task or callback of a test
     * loop, the exact virtual instant (since the loop's creation) at which it runs.
     */
    static Duration now() {
        return Duration.ofNanos(Loop.current().orElseThrow().time());
    }
}

package dev.aio4j.test;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TestLoop} runs.
 *
 * @param autoAdvance whether the clock jumps to the next timer by itself when nothing else can
 *     happen (no ready work, no outside work outstanding); off, it moves only through
 *     {@link TestLoop#advanceBy}, {@link TestLoop#advanceTo} and {@link TestLoop#runUntilIdle}
 * @param wallClockTimeout the <em>real</em> time a driving call ({@code run}, {@code advance*},
 *     {@code runUntilIdle}, {@code close}) may take before it fails with a dump: a guard against
 *     outside work that never ends, never virtual
 * @param maxStepsPerInstant how many steps (task resumptions and callbacks) may run at one virtual
 *     instant before the loop is declared stuck ({@code while (true) sleep(ZERO)})
 * @param strictTimers whether {@link TestLoop#close()} also reports {@code callLater} callbacks
 *     still pending
 * @since 0.2.0
 */
public record TestLoopOptions(boolean autoAdvance, Duration wallClockTimeout, int maxStepsPerInstant, boolean strictTimers) {
    /**
     * Checks the options.
     *
     * @param autoAdvance whether the clock advances by itself
     * @param wallClockTimeout real time per driving call
     * @param maxStepsPerInstant steps allowed at one instant
     * @param strictTimers whether pending {@code callLater} callbacks are reported at close
     * @throws NullPointerException if {@code wallClockTimeout} is null
     * @throws IllegalArgumentException if {@code wallClockTimeout} is not positive or
     *     {@code maxStepsPerInstant} is not positive
     */
    public TestLoopOptions {
        Objects.requireNonNull(wallClockTimeout, "wallClockTimeout");
        if (wallClockTimeout.isNegative() || wallClockTimeout.isZero()) {
            throw new IllegalArgumentException("wallClockTimeout must be positive: " + wallClockTimeout);
        }
        if (maxStepsPerInstant <= 0) {
            throw new IllegalArgumentException("maxStepsPerInstant must be positive: " + maxStepsPerInstant);
        }
    }

    /**
     * The defaults: auto-advance on, 60 s of real time per driving call, 100,000 steps per instant,
     * pending timers not reported.
     *
     * @return the default options
     */
    public static TestLoopOptions defaults() {
        return new TestLoopOptions(true, Duration.ofSeconds(60), 100_000, false);
    }

    /**
     * These options with {@code autoAdvance} changed.
     *
     * @param on whether the clock advances by itself
     * @return new options
     */
    public TestLoopOptions withAutoAdvance(boolean on) {
        return new TestLoopOptions(on, wallClockTimeout, maxStepsPerInstant, strictTimers);
    }

    /**
     * These options with {@code wallClockTimeout} changed.
     *
     * @param timeout real time per driving call
     * @return new options
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public TestLoopOptions withWallClockTimeout(Duration timeout) {
        return new TestLoopOptions(autoAdvance, timeout, maxStepsPerInstant, strictTimers);
    }

    /**
     * These options with {@code maxStepsPerInstant} changed.
     *
     * @param steps steps allowed at one instant
     * @return new options
     * @throws IllegalArgumentException if {@code steps} is not positive
     */
    public TestLoopOptions withMaxStepsPerInstant(int steps) {
        return new TestLoopOptions(autoAdvance, wallClockTimeout, steps, strictTimers);
    }

    /**
     * These options with {@code strictTimers} changed.
     *
     * @param on whether pending {@code callLater} callbacks are reported at close
     * @return new options
     */
    public TestLoopOptions withStrictTimers(boolean on) {
        return new TestLoopOptions(autoAdvance, wallClockTimeout, maxStepsPerInstant, on);
    }
}

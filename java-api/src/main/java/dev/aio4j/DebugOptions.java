package dev.aio4j;

import java.time.Duration;
import java.util.Objects;

/**
 * Debug mode for a loop (asyncio's debug mode), given to {@link LoopOptions#debug}. With
 * {@code -Daio4j.debug=true} every loop created without options of its own (and the shared loop)
 * runs in debug mode with slow steps of 100 ms (or {@code -Daio4j.debug.slowStepMillis}), creation
 * sites and the watchdog on.
 *
 * <ul>
 *   <li><b>Slow steps</b>: a step (one task resumption or callback) longer than
 *       {@link #slowStep(Duration)} is reported once, at WARNING, through the loop's exception
 *       handler or {@link System.Logger} ("dev.aio4j"): {@code "Loop 'io' step took 250 ms in
 *       Task[fetch-users] (created at Foo.bar(Foo.java:42))"}.
 *   <li><b>Watchdog</b> (single-threaded loops): a daemon thread samples the loop thread's stack as
 *       soon as a step overruns and reports the step <i>while</i> it runs, with that stack as the
 *       report's stack trace — so a {@code Thread.sleep}, a JDBC call or a {@code synchronized}
 *       wait on the loop thread shows where it is stuck. It ends with its loop.
 *   <li><b>Creation sites</b>: each task records the top frames of the code that created it; they
 *       appear in "never retrieved" reports, slow-step reports, {@link TaskDump}s and
 *       {@link Task#toString()}.
 *   <li><b>Resources left open</b>: a task that finishes while holding an {@link AsyncLock} is
 *       reported ({@code "Task[x] finished while holding AsyncLock[locked by finished Task[x], ...]"}).
 *   <li>Tasks record their creation time, so dumps show their age.
 * </ul>
 *
 * <p>Instances are immutable; each method returns a new one.
 *
 * @since 0.2.0
 */
public final class DebugOptions {
    private static final DebugOptions OFF = new DebugOptions(false, Duration.ZERO, false, false);
    private static final DebugOptions ON = new DebugOptions(true, Duration.ofMillis(100), false, false);

    private final boolean on;
    private final Duration slowStep;
    private final boolean creationSites;
    private final boolean watchdog;

    private DebugOptions(boolean on, Duration slowStep, boolean creationSites, boolean watchdog) {
        this.on = on;
        this.slowStep = slowStep;
        this.creationSites = creationSites;
        this.watchdog = watchdog;
    }

    /**
     * Debug mode on: slow steps over 100 ms reported; creation sites and the watchdog off until asked for.
     *
     * @return the options
     */
    public static DebugOptions on() {
        return ON;
    }

    /**
     * Debug mode off, even when {@code -Daio4j.debug=true} is set.
     *
     * @return the options
     */
    public static DebugOptions off() {
        return OFF;
    }

    /**
     * Sets the slow-step threshold (asyncio's {@code slow_callback_duration}); zero turns slow-step
     * reports (and the watchdog) off. Turns debug mode on.
     *
     * @param threshold a step longer than this is reported; not negative
     * @return new options
     * @throws NullPointerException if {@code threshold} is null
     * @throws IllegalArgumentException if {@code threshold} is negative
     */
    public DebugOptions slowStep(Duration threshold) {
        Objects.requireNonNull(threshold, "threshold");
        if (threshold.isNegative()) throw new IllegalArgumentException("threshold must not be negative: " + threshold);
        return new DebugOptions(true, threshold, creationSites, watchdog);
    }

    /**
     * Whether each task records where it was created (a stack walk per task: costly, opt-in). Turns debug mode on.
     *
     * @param on true to record creation sites
     * @return new options
     */
    public DebugOptions creationSites(boolean on) {
        return new DebugOptions(true, slowStep, on, watchdog);
    }

    /**
     * Whether a watchdog thread samples the loop thread's stack while a step overruns (single-threaded
     * loops; the shared loop reports slow steps when they end). Turns debug mode on.
     *
     * @param on true to run the watchdog
     * @return new options
     */
    public DebugOptions watchdog(boolean on) {
        return new DebugOptions(true, slowStep, creationSites, on);
    }

    /**
     * Whether debug mode is on.
     *
     * @return false only for {@link #off()}
     */
    public boolean isOn() {
        return on;
    }

    /**
     * The slow-step threshold.
     *
     * @return the threshold; zero if slow steps are not reported
     */
    public Duration slowStepThreshold() {
        return slowStep;
    }

    /**
     * Whether tasks record creation sites.
     *
     * @return true if they do
     */
    public boolean capturesCreationSites() {
        return creationSites;
    }

    /**
     * Whether the watchdog runs.
     *
     * @return true if it does
     */
    public boolean hasWatchdog() {
        return watchdog;
    }

    @Override
    public String toString() {
        return on ? "DebugOptions[slowStep=" + slowStep.toMillis() + " ms, creationSites=" + creationSites + ", watchdog=" + watchdog + "]"
                : "DebugOptions[off]";
    }
}

package dev.aio4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Options of a loop made by {@link Loop#create(String, LoopOptions)} or
 * {@link Loop#run(LoopOptions, AsyncCallable)}: its debug mode and the context propagators of its
 * tasks. Instances are immutable; each method returns a new one.
 *
 * @since 0.2.0
 */
public final class LoopOptions {
    private static final LoopOptions DEFAULTS = new LoopOptions(null, List.of());

    private final DebugOptions debug;
    private final List<ContextPropagator<?>> propagators;

    private LoopOptions(DebugOptions debug, List<ContextPropagator<?>> propagators) {
        this.debug = debug;
        this.propagators = propagators;
    }

    /**
     * The defaults: debug mode as {@code -Daio4j.debug} says, no context propagator of the loop's own.
     *
     * @return the options
     */
    public static LoopOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Sets the loop's debug mode (overriding {@code -Daio4j.debug}).
     *
     * @param options the debug options ({@link DebugOptions#on()}, {@link DebugOptions#off()}, ...)
     * @return new options
     * @throws NullPointerException if {@code options} is null
     */
    public LoopOptions debug(DebugOptions options) {
        Objects.requireNonNull(options, "options");
        return new LoopOptions(options, propagators);
    }

    /**
     * Adds a context propagator for the tasks, callbacks and {@code toThread} jobs of this loop
     * (after those registered process-wide with {@link Async#registerContextPropagator}).
     *
     * @param propagator the propagator
     * @return new options
     * @throws NullPointerException if {@code propagator} is null
     */
    public LoopOptions contextPropagator(ContextPropagator<?> propagator) {
        Objects.requireNonNull(propagator, "propagator");
        List<ContextPropagator<?>> ps = new ArrayList<>(propagators);
        ps.add(propagator);
        return new LoopOptions(debug, List.copyOf(ps));
    }

    /**
     * The debug options set with {@link #debug(DebugOptions)}.
     *
     * @return them, or null if the loop follows {@code -Daio4j.debug}
     */
    public DebugOptions debugOptions() {
        return debug;
    }

    /**
     * The loop's own context propagators.
     *
     * @return an unmodifiable list, never null
     */
    public List<ContextPropagator<?>> contextPropagators() {
        return propagators;
    }

    @Override
    public String toString() {
        return "LoopOptions[debug=" + (debug == null ? "-Daio4j.debug" : debug) + ", contextPropagators=" + propagators.size() + "]";
    }
}

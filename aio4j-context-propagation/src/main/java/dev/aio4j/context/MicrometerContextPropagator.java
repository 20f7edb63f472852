package dev.aio4j.context;

import dev.aio4j.ContextPropagator;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.Objects;

/**
 * Bridges aio4j to Micrometer's context-propagation: every {@code ThreadLocalAccessor} registered
 * in the {@code ContextRegistry} (Micrometer Tracing's span, Spring Security's context, the MDC
 * through {@code Slf4jThreadLocalAccessor}, your own) follows aio4j's tasks, callbacks and
 * {@code toThread} jobs.
 *
 * <pre>{@code
 * Async.registerContextPropagator(new MicrometerContextPropagator());
 * }</pre>
 *
 * <p>Capturing is {@link ContextSnapshotFactory#captureAll(Object...)}; installing is
 * {@link ContextSnapshot#setThreadLocals()}, whose {@code Scope} puts back the thread's previous
 * values when aio4j restores it. Every step re-captures (a snapshot cannot tell whether it changed),
 * so this propagator costs one snapshot per step more than {@link MdcContextPropagator}.
 *
 * @since 0.2.0
 */
public final class MicrometerContextPropagator implements ContextPropagator<ContextSnapshot> {
    private final ContextSnapshotFactory factory;

    /** A bridge over the global {@code ContextRegistry} (the default {@link ContextSnapshotFactory}). */
    public MicrometerContextPropagator() {
        this(ContextSnapshotFactory.builder().build());
    }

    /**
     * A bridge over {@code factory} (a registry of your own, {@code clearMissing}, a key predicate).
     *
     * @param factory makes and installs snapshots
     * @throws NullPointerException if {@code factory} is null
     */
    public MicrometerContextPropagator(ContextSnapshotFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * Captures every registered thread local of the calling thread.
     *
     * @return the snapshot
     */
    @Override
    public ContextSnapshot capture() {
        return factory.captureAll();
    }

    /**
     * Sets the snapshot's thread locals on the calling thread.
     *
     * @param snapshot what {@link #capture()} returned
     * @return the {@code Scope} that puts back the previous values
     */
    @Override
    public Object install(ContextSnapshot snapshot) {
        return snapshot.setThreadLocals();
    }

    /**
     * Closes the {@code Scope} that {@link #install} returned: the thread's previous values are back.
     *
     * @param previous what {@code install} returned
     */
    @Override
    public void restore(Object previous) {
        ((ContextSnapshot.Scope) previous).close();
    }

    @Override
    public String toString() {
        return "MicrometerContextPropagator[" + factory + "]";
    }
}

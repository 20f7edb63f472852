package dev.aio4j.context;

import dev.aio4j.ContextPropagator;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Carries the SLF4J {@link MDC} across aio4j's async hops: a request id put in the MDC before a
 * task is created stays on every log line of that task, its children, its {@code toThread} jobs
 * and its callbacks, on whatever thread they run — and never leaks to another task's lines.
 *
 * <pre>{@code
 * Async.registerContextPropagator(new MdcContextPropagator());   // once, at startup
 * MDC.put("requestId", id);
 * Async.task(() -> handle(request));                           // every line of it logs requestId
 * }</pre>
 *
 * <p>Snapshots are unmodifiable copies of the MDC map. A {@code MDC.put} inside a task persists for
 * the rest of that task and is copied to the children it creates afterwards (Python's rule);
 * after each step the thread's own MDC is put back. Cost with this propagator registered, per
 * step: two MDC map copies, one map comparison, two {@code setContextMap} calls (measured in the
 * benchmarks module); nothing when it is not registered.
 *
 * <p>Use it or the MDC accessor of {@link MicrometerContextPropagator}, not both.
 *
 * @since 0.2.0
 */
public final class MdcContextPropagator implements ContextPropagator<Map<String, String>> {
    private static final Map<String, String> EMPTY = Collections.emptyMap();

    /** Creates the propagator; it holds no state, one instance is enough for a process. */
    public MdcContextPropagator() {}

    /**
     * Copies the calling thread's MDC.
     *
     * @return an unmodifiable copy, empty if the MDC is
     */
    @Override
    public Map<String, String> capture() {
        Map<String, String> m = MDC.getCopyOfContextMap();
        return m == null || m.isEmpty() ? EMPTY : Collections.unmodifiableMap(m);
    }

    /**
     * Replaces the thread's MDC with {@code snapshot}.
     *
     * @param snapshot a map from {@link #capture()}
     * @return the thread's previous MDC (a copy), for {@link #restore}
     */
    @Override
    public Object install(Map<String, String> snapshot) {
        Map<String, String> prev = MDC.getCopyOfContextMap();
        set(snapshot);
        return prev;
    }

    /**
     * Puts back the thread's MDC that {@link #install} returned.
     *
     * @param previous what {@code install} returned
     */
    @Override
    @SuppressWarnings("unchecked")
    public void restore(Object previous) {
        set((Map<String, String>) previous);
    }

    /**
     * The thread's MDC after a step: {@code installed} itself if it is equal, else a new copy.
     *
     * @param installed the snapshot the step ran with
     * @return {@code installed}, or the changed MDC
     */
    @Override
    public Map<String, String> recapture(Map<String, String> installed) {
        Map<String, String> now = MDC.getCopyOfContextMap();
        if (now == null) now = EMPTY;
        return now.equals(installed) ? installed : now.isEmpty() ? EMPTY : Collections.unmodifiableMap(new HashMap<>(now));
    }

    private static void set(Map<String, String> m) {
        if (m == null || m.isEmpty()) MDC.clear();
        else MDC.setContextMap(m);
    }

    @Override
    public String toString() {
        return "MdcContextPropagator";
    }
}

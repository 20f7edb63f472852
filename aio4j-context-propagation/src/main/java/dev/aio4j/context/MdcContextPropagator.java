package dev.aio4j.context;

import dev.aio4j.ContextPropagator;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

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
 * after each step the thread's own MDC is put back. Cost with this propagator registered: per
 * step, one {@code MDC.setContextMap} (the MDC adapter copies the map) and a comparison of the MDC
 * with the task's snapshot, entry by entry, without copying; a task created by a step that did not
 * change the MDC shares its parent's snapshot. Nothing when it is not registered.
 *
 * <p>Use it or the MDC accessor of {@link MicrometerContextPropagator}, not both.
 *
 * @since 0.2.0
 */
public final class MdcContextPropagator implements ContextPropagator<Map<String, String>> {
    private static final Map<String, String> EMPTY = Collections.emptyMap();

    /** The previous state of a thread whose MDC was empty and that ran no step of ours: restored by clearing. */
    private static final Object CLEAN = new Object();

    /** The snapshot installed on this thread by the step running on it, or null. */
    private static final ThreadLocal<Map<String, String>> INSTALLED = new ThreadLocal<>();

    /** What {@link #install} found on a thread that was not clean. */
    private static final class Previous {
        final Map<String, String> mdc;
        final Map<String, String> installed;

        Previous(Map<String, String> mdc, Map<String, String> installed) {
            this.mdc = mdc;
            this.installed = installed;
        }
    }

    /** Creates the propagator; it holds no state, one instance is enough for a process. */
    public MdcContextPropagator() {}

    /**
     * The calling thread's MDC: the snapshot of the step running on the thread if the MDC still
     * equals it (no copy), else a new unmodifiable copy.
     *
     * @return an unmodifiable map, empty if the MDC is
     */
    @Override
    public Map<String, String> capture() {
        Map<String, String> installed = INSTALLED.get();
        if (installed != null && mdcEquals(installed)) return installed;
        return copyOfMdc();
    }

    /**
     * Replaces the thread's MDC with {@code snapshot}.
     *
     * @param snapshot a map from {@link #capture()}
     * @return the thread's previous state, for {@link #restore}
     */
    @Override
    public Object install(Map<String, String> snapshot) {
        Map<String, String> installed = INSTALLED.get();
        Object prev = installed == null && mdcSize() == 0 ? CLEAN : new Previous(MDC.getCopyOfContextMap(), installed);
        set(snapshot);
        INSTALLED.set(snapshot);
        return prev;
    }

    /**
     * Puts back the thread's MDC that {@link #install} found.
     *
     * @param previous what {@code install} returned
     */
    @Override
    public void restore(Object previous) {
        if (previous == CLEAN) {
            MDC.clear();
            INSTALLED.remove();
            return;
        }
        Previous p = (Previous) previous;
        set(p.mdc);
        if (p.installed == null) INSTALLED.remove();
        else INSTALLED.set(p.installed);
    }

    /**
     * The thread's MDC after a step: {@code installed} itself if it still equals it (compared
     * entry by entry, without a copy), else a new copy.
     *
     * @param installed the snapshot the step ran with
     * @return {@code installed}, or the changed MDC
     */
    @Override
    public Map<String, String> recapture(Map<String, String> installed) {
        return mdcEquals(installed) ? installed : copyOfMdc();
    }

    private static Map<String, String> copyOfMdc() {
        Map<String, String> m = MDC.getCopyOfContextMap();
        return m == null || m.isEmpty() ? EMPTY : Collections.unmodifiableMap(m);
    }

    /**
     * The adapter's {@code getKeys()} (SLF4J's {@code BasicMDCAdapter} and Logback's have one; the
     * {@code MDCAdapter} interface does not): reads the MDC's keys without copying it. Null if
     * the adapter has none: the MDC is then copied to be compared.
     */
    private static final MethodHandle KEYS = keysMethod();

    private static MethodHandle keysMethod() {
        try {
            MDCAdapter adapter = MDC.getMDCAdapter();
            if (adapter == null) return null;
            Method m = adapter.getClass().getMethod("getKeys");
            if (!Set.class.isAssignableFrom(m.getReturnType())) return null;
            return MethodHandles.publicLookup().unreflect(m).asType(MethodType.methodType(Object.class, MDCAdapter.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static int mdcSize() {
        Object keys;
        if (KEYS == null) {
            Map<String, String> m = MDC.getCopyOfContextMap();
            keys = m == null ? null : m.keySet();
        } else {
            try {
                keys = (Object) KEYS.invokeExact(MDC.getMDCAdapter());
            } catch (Throwable t) {
                Map<String, String> m = MDC.getCopyOfContextMap();
                keys = m == null ? null : m.keySet();
            }
        }
        return keys == null ? 0 : ((Set<String>) keys).size();
    }

    /** True if the thread's MDC has exactly the entries of {@code m}. */
    private static boolean mdcEquals(Map<String, String> m) {
        if (mdcSize() != m.size()) return false;
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (!java.util.Objects.equals(e.getValue(), MDC.get(e.getKey()))) return false;
        }
        return true;
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

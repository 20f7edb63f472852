package dev.aio4j;

import dev.aio4j.engine.ContextHook;
import dev.aio4j.engine.CreationSites;
import dev.aio4j.engine.DebugSettings;
import dev.aio4j.engine.LoopCore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The glue between the public options and the engine's diagnostics: settings, hooks, dumps, MBeans. */
final class Observability {
    private static final Map<ContextPropagator<?>, ContextHook> GLOBAL = new ConcurrentHashMap<>();

    private Observability() {}

    static {
        CreationSites.internalCodeOf(Observability.class); // frames of this jar are aio4j's own
    }

    /** The engine's settings for {@code options} (the system property's when the options say nothing). */
    static DebugSettings settings(LoopOptions options) {
        DebugOptions d = options.debugOptions();
        if (d == null) return DebugSettings.FROM_SYSTEM_PROPERTY;
        if (!d.isOn()) return null;
        return new DebugSettings(d.slowStepThreshold().toNanos(), d.capturesCreationSites(), d.hasWatchdog());
    }

    /** The engine's hooks for the loop's own propagators, or null. */
    static ContextHook[] hooks(LoopOptions options) {
        List<ContextPropagator<?>> ps = options.contextPropagators();
        if (ps.isEmpty()) return null;
        ContextHook[] out = new ContextHook[ps.size()];
        for (int i = 0; i < out.length; i++) out[i] = new Hook<>(ps.get(i));
        return out;
    }

    static void register(ContextPropagator<?> p) {
        Hook<?> h = new Hook<>(p);
        if (GLOBAL.putIfAbsent(p, h) == null) dev.aio4j.engine.Contexts.register(h);
    }

    static boolean unregister(ContextPropagator<?> p) {
        ContextHook h = GLOBAL.remove(p);
        if (h == null) return false;
        dev.aio4j.engine.Contexts.unregister(h);
        return true;
    }

    /**
     * The hook for resources left open (asyncio's {@code ResourceWarning}), for the code that owns
     * a resource (a stream iterator nobody closed, a permit a finished task still holds): reports
     * {@code "Resource left open: <what> (created at ...)"} once at WARNING through {@code loop}'s
     * exception handler or {@link System.Logger}. Call it only when debug mode is on for the loop
     * ({@link #debugOn}); {@code createdAt} is what {@link #creationSite} returned when the
     * resource was made, or null.
     */
    static void resourceLeftOpen(LoopCore loop, String what, StackTraceElement[] createdAt) {
        loop.reportLeftOpen(what, createdAt);
    }

    /** True if {@code loop} runs in debug mode (resources are then tracked and reported). */
    static boolean debugOn(LoopCore loop) {
        return loop.debug != null;
    }

    /** Where the calling code is, for a resource made now, when {@code loop} records creation sites; else null. */
    static StackTraceElement[] creationSite(LoopCore loop) {
        DebugSettings d = loop.debug;
        return d != null && d.creationSites ? CreationSites.capture() : null;
    }

        /** Every running loop, the shared loop last. */
    static List<LoopCore> allLoops() {
        List<LoopCore> loops = new ArrayList<>(LoopCore.allLoops());
        loops.sort(Comparator.comparing((LoopCore l) -> l == Loop.shared().core).thenComparing(l -> l.name));
        return loops;
    }

    /** A propagator as the engine sees it: snapshots and states as plain objects. */
    private static final class Hook<S> implements ContextHook {
        private final ContextPropagator<S> p;

        Hook(ContextPropagator<S> p) {
            this.p = p;
        }

        @Override
        public Object capture() {
            return p.capture();
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object install(Object snapshot) {
            return p.install((S) snapshot);
        }

        @Override
        public void restore(Object previous) {
            p.restore(previous);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object recapture(Object installed) {
            return p.recapture((S) installed);
        }
    }
}

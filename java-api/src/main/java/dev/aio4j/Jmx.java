package dev.aio4j;

import dev.aio4j.engine.LoopCore;

/**
 * Registers loops' MBeans when the {@code java.management} module is present (the same gate as JFR:
 * nothing of {@code javax.management} is loaded otherwise). {@code -Daio4j.jmx=false} turns it off.
 */
final class Jmx {
    private static final boolean ON = available();

    private Jmx() {}

    private static boolean available() {
        try {
            if ("false".equals(System.getProperty("aio4j.jmx"))) return false;
            return ModuleLayer.boot().findModule("java.management").isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static void register(LoopCore core) {
        if (!ON) return;
        LoopMBeans.register(Loop.shared().core);
        LoopMBeans.register(core);
    }

    static void unregister(LoopCore core) {
        if (ON) LoopMBeans.unregister(core);
    }
}

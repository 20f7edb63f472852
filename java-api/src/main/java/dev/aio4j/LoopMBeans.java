package dev.aio4j;

import dev.aio4j.engine.LoopCore;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.ReflectionException;

/**
 * One MBean per running loop, {@code dev.aio4j:type=Loop,name=<loop>} (a second loop of the same
 * name gets {@code name=<loop>#2}, ...): attributes {@code PendingTasks}, {@code ReadyQueueLength},
 * {@code Timers}, {@code StepsTotal}, {@code SlowSteps}, and the operation {@code dumpTasks()} (the
 * text of {@link TaskDump}). A dynamic MBean, so no public interface is needed. Touched only
 * through {@link Jmx}, which first checks that the {@code java.management} module is present.
 */
final class LoopMBeans {
    private static final Map<LoopCore, ObjectName> NAMES = new ConcurrentHashMap<>();

    private LoopMBeans() {}

    static synchronized void register(LoopCore core) {
        if (NAMES.containsKey(core)) return;
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (int n = 1; ; n++) {
                String name = n == 1 ? core.name : core.name + "#" + n;
                ObjectName on = new ObjectName("dev.aio4j", props(name));
                if (server.isRegistered(on)) continue;
                server.registerMBean(new Bean(core), on);
                NAMES.put(core, on);
                return;
            }
        } catch (Exception | LinkageError e) {
            // diagnostics must never break a loop: without JMX, there is no MBean
        }
    }

    private static java.util.Hashtable<String, String> props(String name) {
        java.util.Hashtable<String, String> t = new java.util.Hashtable<>();
        t.put("type", "Loop");
        t.put("name", needsQuotes(name) ? ObjectName.quote(name) : name);
        return t;
    }

    private static boolean needsQuotes(String s) {
        for (char c : s.toCharArray()) if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n') return true;
        return s.isEmpty();
    }

    static void unregister(LoopCore core) {
        ObjectName on = NAMES.remove(core);
        if (on == null) return;
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(on);
        } catch (Exception | LinkageError e) {
            // already gone
        }
    }

    /** The name a loop's MBean was registered under, or null. */
    static ObjectName nameOf(LoopCore core) {
        return NAMES.get(core);
    }

    private static final class Bean implements DynamicMBean {
        private final LoopCore core;

        Bean(LoopCore core) {
            this.core = core;
        }

        @Override
        public Object getAttribute(String attribute) throws AttributeNotFoundException {
            switch (attribute) {
                case "Name": return core.name;
                case "PendingTasks": return core.liveTaskCount();
                case "ReadyQueueLength": return core.readyQueueLength();
                case "Timers": return core.timerCount();
                case "StepsTotal": return core.stepsTotal();
                case "SlowSteps": return core.slowSteps;
                default: throw new AttributeNotFoundException(attribute);
            }
        }

        @Override
        public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
            throw new AttributeNotFoundException("read-only: " + attribute.getName());
        }

        @Override
        public AttributeList getAttributes(String[] attributes) {
            AttributeList out = new AttributeList();
            for (String a : attributes) {
                try {
                    out.add(new Attribute(a, getAttribute(a)));
                } catch (AttributeNotFoundException e) {
                    // left out, as the JMX contract says
                }
            }
            return out;
        }

        @Override
        public AttributeList setAttributes(AttributeList attributes) {
            return new AttributeList();
        }

        @Override
        public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
            if ("dumpTasks".equals(actionName) && (params == null || params.length == 0)) {
                return TaskDump.of("Loop[" + core.name + "]", java.util.List.of(core)).toString();
            }
            throw new ReflectionException(new NoSuchMethodException(actionName));
        }

        @Override
        public MBeanInfo getMBeanInfo() {
            MBeanAttributeInfo[] attrs = {
                new MBeanAttributeInfo("Name", "java.lang.String", "the loop's name", true, false, false),
                new MBeanAttributeInfo("PendingTasks", "int", "live tasks (pending, or ending)", true, false, false),
                new MBeanAttributeInfo("ReadyQueueLength", "int", "work ready to run now (-1: unknown)", true, false, false),
                new MBeanAttributeInfo("Timers", "int", "timers pending (-1: unknown)", true, false, false),
                new MBeanAttributeInfo("StepsTotal", "long", "steps run (single-threaded loops; the shared loop in debug mode)", true, false, false),
                new MBeanAttributeInfo("SlowSteps", "long", "steps over the debug mode's threshold", true, false, false),
            };
            MBeanOperationInfo[] ops = {
                new MBeanOperationInfo("dumpTasks", "the live tasks as a tree of who awaits whom (TaskDump)",
                        new javax.management.MBeanParameterInfo[0], "java.lang.String", MBeanOperationInfo.INFO),
            };
            return new MBeanInfo(Bean.class.getName(), "aio4j loop " + core.name, attrs, null, ops, null);
        }
    }
}

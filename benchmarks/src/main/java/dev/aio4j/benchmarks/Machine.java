package dev.aio4j.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the harness reads about the process and the machine: peak RSS, live heap, a one-line description. */
final class Machine {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private Machine() {}

    /** Peak resident set size of this process in MB ({@code VmHWM}), or -1 where /proc is missing. */
    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no number
        }
        return -1;
    }

    /**
     * Resets the peak RSS to the current RSS (Linux 4.0+: writing 5 to clear_refs), so that an
     * in-process run reports its own peak; the heap an earlier run made the JVM commit stays
     * resident though, so only a child JVM per run ({@code --fork}, the default) gives clean numbers.
     */
    static void resetPeakRss() {
        try {
            Files.writeString(CLEAR_REFS, "5");
        } catch (IOException | RuntimeException e) {
            // not possible here: the peak stays process-wide
        }
    }

    /** CPU time of this JVM (all threads, user + sys) in nanoseconds, or 0 where the JVM does not say. */
    static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0L;
    }

    /** Bytes of heap in use after a few full collections: the live set, near enough. */
    static long liveHeapBytes() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The 1, 5 and 15 minute load averages ("0.52 0.40 0.31"), or "?" where /proc is missing. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** JDK, OS, CPU, cores, max heap and the load average in one line. */
    static String describe() {
        String cpu = "unknown CPU";
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.ISO_8859_1);
            for (String l : lines) {
                if (l.startsWith("model name")) {
                    cpu = l.substring(l.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // keep "unknown CPU"
        }
        return "JDK " + Runtime.version() + " (" + System.getProperty("java.vm.name") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", " + cpu + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB, load average " + loadAverage();
    }
}

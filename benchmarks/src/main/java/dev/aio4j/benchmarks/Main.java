package dev.aio4j.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workload harness: runs W1-W8 on every peer and prints one line per run,
 * {@code workload peer N wall_ms peak_rss_mb}, then a summary of the ratios. See {@link #USAGE}.
 */
public final class Main {
    static final String USAGE = String.join("\n",
            "usage: java -jar benchmarks/target/benchmarks.jar [options] [W1..W8[,W..] [N]]",
            "       java -jar benchmarks/target/benchmarks.jar smoke          every workload once at a small N, all peers (CI)",
            "       java -jar benchmarks/target/benchmarks.jar mem [N [S]]    bytes of live heap per pending sleeping task (N = 1,000,000 tasks",
            "                                                                 sleeping S = 5 s; a loaded machine may need a longer S)",
            "       java -jar benchmarks/target/benchmarks.jar redis [JOBS]   RedisQueue jobs/s, 1 and 4 worker JVMs, beside LPUSH/BRPOP",
            "                                                                 (needs redis-server on the PATH or REDIS_URL; not in smoke)",
            "       java -jar benchmarks/target/benchmarks.jar jmh [args]     JMH micro-benchmarks (org.openjdk.jmh.Main; -h for its options)",
            "       java -jar benchmarks/target/benchmarks.jar summary FILE.. the summary tables again, from the saved output of runs",
            "",
            "Without a workload: every workload at every N of DESIGN.md. With W3 200000: that workload at that N.",
            "Each run verifies its result (a wrong one fails the run, exit code 1) after one warm-up run at N/10.",
            "options:",
            "  --fork          (default) each (workload, peer, N) in its own child JVM, started with this JVM's",
            "                  options (-Xmx...): clean JIT state and a peak RSS that is the run's own",
            "  --in-process    everything in this JVM: faster to start, but the peak RSS of a run includes the",
            "                  heap that earlier runs made the JVM commit, and runs warm each other's JIT",
            "  --peers a,b     only these peers (aio4j-st, aio4j-mt, kotlin-st, kotlin-mt, vthreads)",
            "  --repeat K      measure each run K times after its warm-up (one line each); the summary takes the fastest",
            "  --timeout S     give up on a run after S seconds (default 600; smoke: 120)");

    static final List<String> PEERS = List.of("aio4j-st", "aio4j-mt", "kotlin-st", "kotlin-mt", "vthreads");
    private static final Pattern RESULT = Pattern.compile("^(W\\d) (\\S+) (\\d+) (\\d+) (-?\\d+)$");
    private static final Pattern CPU = Pattern.compile("^# cpu (W\\d) (\\S+) (\\d+) (\\d+) ms$");
    private static final Pattern WRONG = Pattern.compile("^# wrong (W\\d) (\\S+) (\\d+) (\\d+) ms$");
    private long sleepProbeMillis = 5_000;

    private boolean fork = true;
    private List<String> peers = PEERS;
    private long timeoutSeconds = 600;
    private int repeat = 1;
    private int failures;
    private int passes;
    private int skips;
    /** (workload, N) -> peer -> wall ms, in run order. */
    private final Map<String, Map<String, Long>> results = new LinkedHashMap<>();
    /** (workload, N) -> peer -> wall ms of a run whose result was wrong (shown, never in a ratio). */
    private final Map<String, Map<String, Long>> wrong = new LinkedHashMap<>();
    /** (workload, N) -> peer -> CPU ms (user + sys of the JVM during the run). */
    private final Map<String, Map<String, Long>> cpu = new LinkedHashMap<>();

    private Main() {}

    public static void main(String[] args) throws Exception {
        System.exit(new Main().run(args));
    }

    private int run(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return 0;
        }
        if (args.length > 0 && args[0].equals("redis")) {
            return RedisBench.run(Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length == 4 && args[0].equals("--child")) {
            fork = false;
            timeoutSeconds = Long.parseLong(System.getProperty("aio4j.bench.timeout", "600"));
            repeat = Integer.parseInt(System.getProperty("aio4j.bench.repeat", "1"));
            runInProcess(Workload.parse(args[1]), args[2], Integer.parseInt(args[3]), true);
            return failures == 0 ? 0 : 1;
        }
        if (args.length == 4 && args[0].equals("--child-mem")) {
            fork = false;
            sleepProbeMillis = Long.parseLong(args[3]);
            memInProcess(args[1], Integer.parseInt(args[2]));
            return failures == 0 ? 0 : 1;
        }
        List<String> positional = new ArrayList<>();
        boolean explicitFork = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fork": fork = true; explicitFork = true; break;
                case "--in-process": fork = false; break;
                case "--peers": peers = parsePeers(args[++i]); break;
                case "--timeout": timeoutSeconds = Long.parseLong(args[++i]); break;
                case "--repeat": repeat = Math.max(1, Integer.parseInt(args[++i])); break;
                case "-h": case "--help": case "help":
                    System.out.println(USAGE);
                    return 0;
                default:
                    if (args[i].startsWith("--")) throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
                    positional.add(args[i]);
            }
        }
        System.out.println("# aio4j benchmarks: " + Machine.describe());
        if (!positional.isEmpty() && positional.get(0).equals("smoke")) {
            if (!explicitFork) fork = false;
            if (timeoutSeconds == 600) timeoutSeconds = 120;
            Workload.relaxW5ForSmoke();
            System.out.println("# smoke: every workload once at a small N, results verified, no timing"
                    + " (W5's never-firing timeout is " + Workload.w5PatienceMillis() / 1000 + " s here, 1 s when measuring)");
            for (Workload w : Workload.values()) for (String p : peers) runOne(w, p, w.smokeN(), false);
            System.out.println("smoke: " + passes + " passed, " + failures + " failed, " + skips + " skipped");
            return failures == 0 ? 0 : 1;
        }
        if (positional.size() >= 2 && positional.get(0).equals("summary")) {
            for (String file : positional.subList(1, positional.size())) {
                for (String line : java.nio.file.Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) parseLine(line);
            }
            printSummary();
            return 0;
        }
        if (!positional.isEmpty() && positional.get(0).equals("mem")) {
            int n = positional.size() > 1 ? parseN(positional.get(1)) : 1_000_000;
            if (positional.size() > 2) sleepProbeMillis = TimeUnit.SECONDS.toMillis(parseN(positional.get(2)));
            System.out.println("# memory probe: " + n + " tasks sleeping " + sleepProbeMillis / 1000
                    + " s, gathered; live heap after GC while all are pending, minus the baseline, per task");
            for (String p : peers) {
                if (fork) forkChild(List.of("--child-mem", p, Integer.toString(n), Long.toString(sleepProbeMillis)), null);
                else memInProcess(p, n);
            }
            return failures == 0 ? 0 : 1;
        }
        List<Workload> ws = new ArrayList<>();
        if (positional.isEmpty()) ws.addAll(Arrays.asList(Workload.values()));
        else for (String s : positional.get(0).split(",")) ws.add(Workload.parse(s));
        Integer fixedN = positional.size() > 1 ? parseN(positional.get(1)) : null;
        if (positional.size() > 2) throw new IllegalArgumentException("too many arguments\n" + USAGE);
        System.out.println("# " + (fork ? "one child JVM per run" : "in-process") + (repeat > 1 ? ", " + repeat + " measured runs each" : "")
                + "; line: workload peer N wall_ms peak_rss_mb");
        for (Workload w : ws) {
            System.out.println("# " + w + " " + w.title() + ": " + w.description());
            int[] ns = fixedN != null ? new int[] {fixedN} : w.ns();
            for (int n : ns) for (String p : peers) runOne(w, p, n, true);
        }
        printSummary();
        if (failures > 0) System.out.println("FAILED: " + failures + " run(s) gave a wrong result or none");
        return failures == 0 ? 0 : 1;
    }

    private static List<String> parsePeers(String s) {
        List<String> out = new ArrayList<>();
        for (String p : s.split(",")) {
            if (!PEERS.contains(p)) throw new IllegalArgumentException("unknown peer " + p + "; peers: " + PEERS);
            out.add(p);
        }
        return out;
    }

    private static int parseN(String s) {
        int n = Integer.parseInt(s.replace("_", "").replace(",", ""));
        if (n < 1) throw new IllegalArgumentException("N < 1: " + n);
        return n;
    }

    static Peer peer(String name) {
        switch (name) {
            case "aio4j-st": return new Aio4jPeer(false);
            case "aio4j-mt": return new Aio4jPeer(true);
            case "kotlin-st": return new KotlinPeer(false);
            case "kotlin-mt": return new KotlinPeer(true);
            case "vthreads": return new VirtualThreadsPeer();
            default: throw new IllegalArgumentException("unknown peer " + name + "; peers: " + PEERS);
        }
    }

    // ------------------------------------------------------------------ one run

    private void runOne(Workload w, String peerName, int n, boolean warmUp) throws Exception {
        if (fork) forkChild(List.of("--child", w.name(), peerName, Integer.toString(n)), w);
        else runInProcess(w, peerName, n, warmUp);
    }

    private void runInProcess(Workload w, String peerName, int n, boolean warmUp) {
        Peer p = peer(peerName);
        String skip = p.skipReason(w);
        String what = w + " " + peerName + " " + n;
        if (skip != null) {
            System.out.println(w + " " + peerName + " skipped: " + skip);
            skips++;
            return;
        }
        TimerTask watchdog = watchdog(what);
        try {
            if (warmUp) {
                int warm = Math.max(1, n / 10);
                long checksum = p.run(w, warm);
                try {
                    verify(w, peerName, warm, checksum);
                } catch (AssertionError e) {
                    // W5's outcome depends on the loop keeping up with a 1 s timeout; a cold JVM on a loaded machine
                    // may not: say so, and let the measured run decide
                    if (w != Workload.W5) throw e;
                    System.out.println("# warning: warm-up " + e.getMessage() + "; measuring anyway");
                }
                System.gc();
            }
            for (int r = 0; r < repeat; r++) {
                if (r > 0) System.gc();
                Machine.resetPeakRss();
                long c0 = Machine.cpuNanos();
                long t0 = System.nanoTime();
                long checksum = p.run(w, n);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                long cpuMs = TimeUnit.NANOSECONDS.toMillis(Machine.cpuNanos() - c0);
                try {
                    verify(w, peerName, n, checksum);
                } catch (AssertionError e) {
                    System.out.println("# wrong " + what + " " + ms + " ms");
                    record(wrong, w, n, peerName, ms);
                    throw e;
                }
                long rss = Machine.peakRssMb();
                System.out.println(what + " " + ms + " " + rss);
                System.out.println("# cpu " + what + " " + cpuMs + " ms");
                record(results, w, n, peerName, ms);
                record(cpu, w, n, peerName, cpuMs);
            }
            passes++;
        } catch (Throwable t) {
            failures++;
            System.out.println(what + " FAILED: " + t);
            t.printStackTrace(System.out);
        } finally {
            watchdog.cancel();
        }
        System.out.flush();
    }

    private static void verify(Workload w, String peer, int n, long checksum) {
        long expected = w.expected(n);
        if (checksum != expected) {
            String detail = "";
            if (w == Workload.W5 && checksum < expected) {
                long wrong = Math.round((expected - checksum) / (double) -Workload.W5_WRONG);
                detail = " (about " + wrong + " of the " + 2L * n + " timeouts went the wrong way: a 1 s timeout fired"
                        + " on a 10 ms sleep, i.e. the loop fell more than 1 s behind, or a 20 ms one did not)";
            }
            throw new AssertionError("wrong result: " + w + " " + peer + " N=" + n + " returned checksum " + checksum
                    + ", expected " + expected + detail);
        }
    }

    /** Keeps the fastest of repeated runs. */
    private static void record(Map<String, Map<String, Long>> into, Workload w, int n, String peer, long ms) {
        into.computeIfAbsent(w + " " + n, k -> new LinkedHashMap<>()).merge(peer, ms, Math::min);
    }

    /** Ends the JVM (after a thread dump) if a run does not end in time: a lost wake-up must not hang CI. */
    private TimerTask watchdog(String what) {
        TimerTask t = new TimerTask() {
            @Override
            public void run() {
                StringWriter dump = new StringWriter();
                PrintWriter out = new PrintWriter(dump);
                for (ThreadInfo ti : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) out.print(ti);
                out.flush();
                System.out.println(what + " FAILED: no result after " + timeoutSeconds + " s (hung?)\n" + dump);
                System.out.flush();
                Runtime.getRuntime().halt(2);
            }
        };
        new Timer("benchmark-watchdog", true).schedule(t, TimeUnit.SECONDS.toMillis(timeoutSeconds));
        return t;
    }

    // ------------------------------------------------------------------ child JVMs

    private void forkChild(List<String> childArgs, Workload w) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-Daio4j.bench.timeout=" + timeoutSeconds);
        cmd.add("-Daio4j.bench.repeat=" + repeat);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(childArgs);
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        boolean sawResult = false;
        boolean skipped = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println(line);
                if (parseLine(line) && w != null) sawResult = true;
                if (line.contains(" skipped: ")) skipped = true;
                if (line.startsWith("mem ") && !line.contains("FAILED")) sawResult = true;
            }
        }
        int code = proc.waitFor();
        if (code != 0) {
            failures++;
            if (!sawResult) System.out.println(String.join(" ", childArgs.subList(1, childArgs.size())) + " FAILED: child JVM exited with " + code);
        } else if (skipped) {
            skips++;
        } else if (sawResult) {
            passes++;
        }
        System.out.flush();
    }

    /** Records a result line or a CPU line of a run; true for a result line. */
    private boolean parseLine(String line) {
        Matcher m = RESULT.matcher(line);
        if (m.matches()) {
            record(results, Workload.parse(m.group(1)), Integer.parseInt(m.group(3)), m.group(2), Long.parseLong(m.group(4)));
            return true;
        }
        Matcher c = CPU.matcher(line);
        if (c.matches()) record(cpu, Workload.parse(c.group(1)), Integer.parseInt(c.group(3)), c.group(2), Long.parseLong(c.group(4)));
        Matcher x = WRONG.matcher(line);
        if (x.matches()) record(wrong, Workload.parse(x.group(1)), Integer.parseInt(x.group(3)), x.group(2), Long.parseLong(x.group(4)));
        return false;
    }

    // ------------------------------------------------------------------ memory probe

    private void memInProcess(String peerName, int n) {
        Peer p = peer(peerName);
        String skip = p.skipReason(Workload.W1);
        if (skip != null) {
            System.out.println("mem " + peerName + " skipped: " + skip);
            skips++;
            return;
        }
        TimerTask watchdog = watchdog("mem " + peerName + " " + n);
        try {
            int warm = Math.min(n, 10_000);
            verify(Workload.W1, peerName, warm, p.sleepingTasks(warm, 100, () -> { }));
            long baseline = Machine.liveHeapBytes();
            long[] during = new long[3];
            long t0 = System.nanoTime();
            long sum = p.sleepingTasks(n, sleepProbeMillis, () -> {
                during[1] = System.nanoTime();
                during[0] = Machine.liveHeapBytes();
                during[2] = System.nanoTime();
            });
            verify(Workload.W1, peerName, n, sum);
            long perTask = (during[0] - baseline) / n;
            System.out.println(String.format(Locale.ROOT, "mem %s %d %d bytes_per_task (live heap %d MB while pending, baseline %d MB; peak RSS %d MB)",
                    peerName, n, perTask, during[0] >> 20, baseline >> 20, Machine.peakRssMb()));
            // no task can end before its sleep has passed since t0; on a single-threaded loop, none ends while
            // the probe blocks the loop's thread to measure
            boolean blocksTimers = peerName.endsWith("-st");
            long limit = TimeUnit.NANOSECONDS.toMillis((blocksTimers ? during[1] : during[2]) - t0);
            if (limit > sleepProbeMillis) {
                System.out.println("# warning: the probe measured " + limit + " ms after it began starting the tasks, later than their "
                        + sleepProbeMillis + " ms sleep: some may have ended before the heap was measured");
            }
            passes++;
        } catch (Throwable t) {
            failures++;
            System.out.println("mem " + peerName + " " + n + " FAILED: " + t);
            t.printStackTrace(System.out);
        } finally {
            watchdog.cancel();
        }
    }

    // ------------------------------------------------------------------ summary

    private void printSummary() {
        if (results.isEmpty()) return;
        System.out.println();
        System.out.println("# summary: wall time in ms" + (repeat > 1 ? " (fastest of " + repeat + ")" : "")
                + "; ratios aio4j / peer (< 1: aio4j faster); W4 also in M items/s; \"wrong\": the run's result was wrong"
                + " (its time is shown, never used in a ratio); load average now " + Machine.loadAverage());
        printTable(results, wrong, true);
        if (!cpu.isEmpty()) {
            System.out.println();
            System.out.println("# CPU time (user + sys of the JVM during the run) in ms, same ratios: what the work cost, less the noise of other load");
            printTable(cpu, Map.of(), false);
        }
    }

    private static void printTable(Map<String, Map<String, Long>> table, Map<String, Map<String, Long>> wrongRuns, boolean throughput) {
        System.out.println("| workload | N | aio4j-st | aio4j-mt | kotlin-st | kotlin-mt | vthreads | st: aio4j/kotlin | mt: aio4j/kotlin | st: aio4j/vthreads | mt: aio4j/vthreads |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Map<String, Map<String, Long>> rows = new LinkedHashMap<>(table);
        for (String k : wrongRuns.keySet()) rows.putIfAbsent(k, Map.of());
        for (Map.Entry<String, Map<String, Long>> e : rows.entrySet()) {
            String[] key = e.getKey().split(" ");
            Workload w = Workload.parse(key[0]);
            int n = Integer.parseInt(key[1]);
            Map<String, Long> ms = e.getValue();
            Map<String, Long> bad = wrongRuns.getOrDefault(e.getKey(), Map.of());
            StringBuilder row = new StringBuilder("| ").append(w).append(' ').append(w.title()).append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", n)).append(" |");
            for (String p : PEERS) {
                Long v = ms.get(p);
                String rate = throughput && w.isQueue() && v != null ? String.format(Locale.ROOT, " (%.1f M/s)", n / 1000.0 / Math.max(1, v)) : "";
                String cell = v != null ? v + rate : bad.containsKey(p) ? bad.get(p) + " wrong" : "-";
                row.append(' ').append(cell).append(" |");
            }
            row.append(' ').append(ratio(ms.get("aio4j-st"), ms.get("kotlin-st"))).append(" |");
            row.append(' ').append(ratio(ms.get("aio4j-mt"), ms.get("kotlin-mt"))).append(" |");
            row.append(' ').append(ratio(ms.get("aio4j-st"), ms.get("vthreads"))).append(" |");
            row.append(' ').append(ratio(ms.get("aio4j-mt"), ms.get("vthreads"))).append(" |");
            System.out.println(row);
        }
    }

    private static String ratio(Long a, Long b) {
        if (a == null || b == null) return "-";
        return String.format(Locale.ROOT, "%.2f", a / (double) Math.max(1, b));
    }
}

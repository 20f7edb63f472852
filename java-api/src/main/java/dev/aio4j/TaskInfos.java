package dev.aio4j;

import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.TaskCore;
import dev.aio4j.engine.TaskDebug;
import dev.aio4j.engine.VirtualTime;
import dev.aio4j.engine.sync.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Builds {@link TaskInfo}s from a loop's live tasks: "awaited by" is the inverse of "awaiting", computed here. */
final class TaskInfos {
    /** Most tasks a text dump lists one by one; the rest are counted by state and by what they await. */
    static final int MAX_LISTED = 1000;

    /** How long a dump taken off a single-threaded loop's thread waits for that thread to list its tasks. */
    private static final long LOOP_ANSWER_MILLIS = 1000;

    private TaskInfos() {}

    /** Every live task of {@code loop} (oldest first), pending or done but still ending. */
    static List<TaskInfo> of(LoopCore loop) {
        return infos(List.of(loop), new ArrayList<>());
    }

    /** The infos of every live task of {@code loops}; {@code cores} receives the task cores, index for index. */
    static List<TaskInfo> infos(List<LoopCore> loops, List<TaskCore> cores) {
        for (LoopCore l : loops) cores.addAll(l.liveTasksFromAnyThread(LOOP_ANSWER_MILLIS));
        Map<Object, List<String>> awaitedBy = new IdentityHashMap<>();
        for (TaskCore c : cores) {
            Object awaited = dev.aio4j.engine.Chains.waitedOn(c.awaiting());
            if (awaited instanceof Task<?> t && TaskCore.linkOf(t) != c) awaitedBy.computeIfAbsent(t, k -> new ArrayList<>()).add(nameOf(c));
        }
        List<TaskInfo> out = new ArrayList<>(cores.size());
        for (TaskCore c : cores) {
            LoopCore loop = c.loop;
            VirtualTime vt = loop.virtualTime();
            TaskDebug d = c.debugRecord();
            long age = vt != null ? vt.ageOf(c) : d != null ? loop.time() - d.createdAt : -1;
            List<StackTraceElement> site = d != null && d.site != null ? Arrays.asList(d.site) : List.of();
            out.add(new TaskInfo(nameOf(c), loop.name, stateOf(c), age < 0 ? Duration.ZERO : Duration.ofNanos(age),
                    describeAwaited(c), awaitedBy.getOrDefault(c.host, List.of()), site));
        }
        return out;
    }

    /** A dump: a header, then one line per task (at most {@link #MAX_LISTED}), then counts. */
    static String dump(String header, List<TaskInfo> infos) {
        StringBuilder sb = new StringBuilder(header).append(": ").append(infos.size())
                .append(infos.size() == 1 ? " live task" : " live tasks");
        int n = 0;
        Map<TaskInfo.State, Integer> rest = new EnumMap<>(TaskInfo.State.class);
        for (TaskInfo i : infos) {
            if (n++ < MAX_LISTED) sb.append("\n  ").append(i);
            else rest.merge(i.state(), 1, Integer::sum);
        }
        if (!rest.isEmpty()) sb.append("\n  ... and more: ").append(rest);
        return sb.toString();
    }

    /**
     * The tree dump of {@link TaskDump}: per loop, each task that awaits no live task is a root,
     * and under each task are the tasks that await it (asyncio's {@code pstree}, read from what
     * is blocked up to who waits for it). Tasks on a cycle of awaiting (a deadlock) are printed
     * as the cycle first. At most {@link #MAX_LISTED} task lines; the rest are counted by state
     * and by what they await.
     */
    static String tree(String header, List<TaskInfo> infos, List<TaskCore> cores) {
        int n = infos.size();
        Map<Object, Integer> indexOfHost = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) indexOfHost.put(cores.get(i).host, i);
        int[] awaits = new int[n];
        List<List<Integer>> awaiters = new ArrayList<>(n);
        for (int i = 0; i < n; i++) awaiters.add(new ArrayList<>(0));
        for (int i = 0; i < n; i++) {
            Integer j = indexOfHost.get(dev.aio4j.engine.Chains.waitedOn(cores.get(i).awaiting()));
            awaits[i] = j == null || j == i ? -1 : j;
            if (awaits[i] >= 0) awaiters.get(awaits[i]).add(i);
        }
        Printer p = new Printer(infos, awaits, awaiters);
        p.sb.append(header).append(": ").append(n).append(n == 1 ? " live task" : " live tasks");
        Map<String, List<Integer>> byLoop = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) byLoop.computeIfAbsent(infos.get(i).loop(), k -> new ArrayList<>()).add(i);
        for (Map.Entry<String, List<Integer>> e : byLoop.entrySet()) {
            p.sb.append("\nLoop[").append(e.getKey()).append("]: ").append(e.getValue().size())
                    .append(e.getValue().size() == 1 ? " live task" : " live tasks");
            for (int i : e.getValue()) if (awaits[i] < 0) p.subtree(i, 1);
        }
        // what is left awaits in a circle (or hangs off one): find each cycle, print it, then its members' awaiters
        int[] walk = new int[n];
        Arrays.fill(walk, -1);
        for (int start = 0; start < n; start++) {
            if (p.printed[start] || walk[start] >= 0) continue;
            int i = start;
            while (i >= 0 && !p.printed[i] && walk[i] < 0) {
                walk[i] = start;
                i = awaits[i];
            }
            if (i < 0 || p.printed[i] || walk[i] != start) continue; // led to something printed or walked before
            List<Integer> cycle = new ArrayList<>();
            int c = i;
            do {
                cycle.add(c);
                c = awaits[c];
            } while (c != i);
            p.cycle(cycle);
        }
        p.finish();
        return p.sb.toString();
    }

    /** Prints task lines with a budget; counts what the budget left out. */
    private static final class Printer {
        final StringBuilder sb = new StringBuilder();
        final List<TaskInfo> infos;
        final int[] awaits;
        final List<List<Integer>> awaiters;
        final boolean[] printed;
        int lines;
        final Map<TaskInfo.State, Integer> restByState = new EnumMap<>(TaskInfo.State.class);
        final Map<String, Integer> restByAwaited = new LinkedHashMap<>();

        Printer(List<TaskInfo> infos, int[] awaits, List<List<Integer>> awaiters) {
            this.infos = infos;
            this.awaits = awaits;
            this.awaiters = awaiters;
            this.printed = new boolean[infos.size()];
        }

        /** Prints {@code root} and, indented under it, the tasks that await it (iteratively: chains may be deep). */
        void subtree(int root, int depth) {
            ArrayList<int[]> stack = new ArrayList<>();
            stack.add(new int[] {root, depth});
            while (!stack.isEmpty()) {
                int[] top = stack.remove(stack.size() - 1);
                int i = top[0];
                if (printed[i]) continue;
                line(i, top[1], top[1] > depth ? "└ " : "");
                List<Integer> a = awaiters.get(i);
                for (int k = a.size() - 1; k >= 0; k--) stack.add(new int[] {a.get(k), top[1] + 1});
            }
        }

        void cycle(List<Integer> cycle) {
            StringBuilder c = new StringBuilder();
            for (int i : cycle) c.append("Task[").append(infos.get(i).name()).append("] -> ");
            c.append("Task[").append(infos.get(cycle.get(0)).name()).append(']');
            sb.append("\n  cycle (deadlock): ").append(c);
            for (int i : cycle) printed[i] = false; // printed just below, each with its own awaiters
            for (int i : cycle) {
                line(i, 2, "↻ ");
                for (int a : awaiters.get(i)) if (!cycle.contains(a)) subtree(a, 3);
            }
        }

        private void line(int i, int depth, String mark) {
            printed[i] = true;
            TaskInfo info = infos.get(i);
            if (lines++ >= MAX_LISTED) {
                restByState.merge(info.state(), 1, Integer::sum);
                restByAwaited.merge(info.awaiting().isEmpty() ? "(nothing)" : info.awaiting(), 1, Integer::sum);
                return;
            }
            sb.append('\n').append("  ".repeat(depth)).append(mark).append(info.toString().replace("\n", "\n" + "  ".repeat(depth)));
        }

        void finish() {
            if (restByState.isEmpty()) return;
            int rest = restByState.values().stream().mapToInt(Integer::intValue).sum();
            sb.append("\n... ").append(rest).append(" more tasks not listed, by state: ").append(restByState);
            sb.append("\n    by what they await:");
            restByAwaited.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(20)
                    .forEach(e -> sb.append("\n      ").append(e.getValue()).append(" awaiting ").append(e.getKey()));
        }
    }

    private static String nameOf(TaskCore c) {
        return c.host instanceof Task<?> t ? t.name() : c.toString();
    }

    private static TaskInfo.State stateOf(TaskCore c) {
        var h = c.host;
        if (h == null || !h.isDone()) return TaskInfo.State.PENDING;
        if (h.isCancelled()) return TaskInfo.State.CANCELLED;
        return h.isCompletedExceptionally() ? TaskInfo.State.FAILED : TaskInfo.State.DONE;
    }

    private static String describeAwaited(TaskCore c) {
        Object a = dev.aio4j.engine.Chains.waitedOn(c.awaiting()); // through a chain of thenCompose/thenApply
        if (a == null) return c.isScheduled() ? "a timer" : "";
        if (a instanceof Task<?> t) return "Task[" + t.name() + "]";
        if (a instanceof Waiter<?> w) return w.awaitedDescription();
        if (a instanceof dev.aio4j.engine.sync.StreamFuture<?> f) return f.describeAwaited();
        if (a instanceof CompletionStage<?>) {
            String s = a.getClass().getSimpleName();
            return s.isEmpty() ? a.getClass().getName() : s;
        }
        return a.toString();
    }
}

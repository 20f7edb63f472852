package dev.aio4j;

import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.TaskCore;
import dev.aio4j.engine.VirtualTime;
import dev.aio4j.engine.sync.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Builds {@link TaskInfo}s from a loop's live tasks: "awaited by" is the inverse of "awaiting", computed here. */
final class TaskInfos {
    /** Most tasks a text dump lists one by one; the rest are counted by state. */
    static final int MAX_LISTED = 1000;

    private TaskInfos() {}

    /** Every live task of {@code loop} (oldest first), pending or done but still ending. */
    static List<TaskInfo> of(LoopCore loop) {
        List<TaskCore> cores = loop.liveTasks();
        Map<Object, List<String>> awaitedBy = new IdentityHashMap<>();
        for (TaskCore c : cores) {
            Object awaited = c.awaiting();
            if (awaited instanceof Task<?> t) awaitedBy.computeIfAbsent(t, k -> new ArrayList<>()).add(nameOf(c));
        }
        VirtualTime vt = loop.virtualTime();
        List<TaskInfo> out = new ArrayList<>(cores.size());
        for (TaskCore c : cores) {
            Object host = c.host;
            long age = vt == null ? -1 : vt.ageOf(c);
            out.add(new TaskInfo(nameOf(c), loop.name, stateOf(c), age < 0 ? Duration.ZERO : Duration.ofNanos(age),
                    describeAwaited(c), awaitedBy.getOrDefault(host, List.of()), List.of()));
        }
        return out;
    }

    /** A dump: a header, then one line per task (at most {@link #MAX_LISTED}), then counts. */
    static String dump(String header, List<TaskInfo> infos) {
        StringBuilder sb = new StringBuilder(header).append(": ").append(infos.size())
                .append(infos.size() == 1 ? " live task" : " live tasks");
        int n = 0;
        Map<TaskInfo.State, Integer> rest = new java.util.EnumMap<>(TaskInfo.State.class);
        for (TaskInfo i : infos) {
            if (n++ < MAX_LISTED) sb.append("\n  ").append(i);
            else rest.merge(i.state(), 1, Integer::sum);
        }
        if (!rest.isEmpty()) sb.append("\n  ... and more: ").append(rest);
        return sb.toString();
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
        Object a = c.awaiting();
        if (a == null) return c.isScheduled() ? "a timer" : "";
        // down a composed chain to the stage where the waiting happens (bounded: chains may be long)
        for (int depth = 0; depth < 1_000; depth++) {
            Object next = TaskCore.awaitedStageOf(a);
            if (next == null) break;
            a = next;
        }
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

package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code mapAsync} / {@code mapAsyncUnordered}: at most {@code concurrency} items are between
 * "fn called" and "result passed on" (running calls plus results waiting to be passed on). Each
 * call is a child task of the run named {@code mapAsync[i]}. The first failure (in completion
 * order) fails the stage at once: every other call is cancelled, results not yet passed on are
 * discarded, the upstream is cancelled; later failures are added to it as suppressed. An upstream
 * failure is passed on after the results of the calls already started.
 */
final class MapAsyncCursor<T, R> implements Cursor<R> {
    private final class Slot {
        final long index;
        Task<?> task;
        CompletionStage<? extends R> stage;
        boolean done;
        boolean dropped;
        R value;

        Slot(long index) {
            this.index = index;
        }
    }

    private final StreamRun run;
    private final Cursor<T> upstream;
    private final int concurrency;
    private final Function<? super T, ? extends CompletionStage<? extends R>> fn;
    private final boolean ordered;
    private final Consumer<Object> discard;
    private final ArrayDeque<Slot> slots = new ArrayDeque<>(); // started, in start order
    private final ArrayDeque<Slot> ready = new ArrayDeque<>(); // unordered: done, in completion order
    private long started;
    private boolean pulling;
    private boolean upstreamDone;
    private Throwable upstreamError;
    private Throwable failure;
    private boolean cancelled;
    private StreamFuture<R> want;

    MapAsyncCursor(StreamRun run, Cursor<T> upstream, int concurrency,
                   Function<? super T, ? extends CompletionStage<? extends R>> fn, boolean ordered, Consumer<Object> discard) {
        this.run = run;
        this.upstream = upstream;
        this.concurrency = concurrency;
        this.fn = fn;
        this.ordered = ordered;
        this.discard = discard;
    }

    @Override
    public CompletableFuture<R> next() {
        StreamFuture<R> w = new StreamFuture<>(run.loop);
        want = w;
        drive();
        return w;
    }

    private void drive() {
        StreamFuture<R> w = want;
        if (w != null) {
            if (failure != null) {
                want = null;
                w.fail(failure);
                return;
            }
            Slot s = ordered ? (slots.isEmpty() || !slots.peekFirst().done ? null : slots.pollFirst()) : ready.pollFirst();
            if (s != null) {
                if (!ordered) slots.remove(s);
                want = null;
                R v = s.value;
                s.value = null;
                fill();
                w.succeed(v);
                return;
            }
            if (upstreamDone && slots.isEmpty()) {
                want = null;
                if (upstreamError != null) w.fail(upstreamError);
                else w.succeed(null);
                return;
            }
        }
        fill();
    }

    /** Pulls the upstream and starts calls while there is a free slot. */
    private void fill() {
        while (!pulling && !upstreamDone && failure == null && !cancelled && slots.size() < concurrency) {
            pulling = true;
            CompletableFuture<T> f = upstream.next();
            if (!f.isDone()) {
                run.when(f, (x, e) -> {
                    pulled(x, e);
                    drive();
                });
                return;
            }
            pulled(StreamRun.valueOf(f), StreamRun.errorOf(f));
        }
    }

    private void pulled(T x, Throwable e) {
        pulling = false;
        if (e != null || x == null) {
            upstreamDone = true;
            upstreamError = e;
            return;
        }
        if (cancelled || failure != null) {
            run.discard(null, x); // upstream items are of another type: nothing to tell
            return;
        }
        Slot s = new Slot(started++);
        slots.addLast(s);
        Task<?> t = run.spawn("mapAsync[" + s.index + "]", () -> {
            CompletionStage<? extends R> st;
            try {
                st = Objects.requireNonNull(fn.apply(x), "the function of mapAsync returned null instead of a CompletionStage");
            } catch (Throwable err) {
                run.onLoop(() -> done(s, null, err));
                return StreamRun.done(null);
            }
            s.stage = st;
            if (s.dropped) StreamRun.cancelStage(st);
            run.when(st, (v, err) -> done(s, v, err));
            return st.handle((v, err) -> null);
        });
        if (t == null) {
            slots.remove(s);
            cancelled = true;
            return;
        }
        s.task = t;
    }

    private void done(Slot s, R v, Throwable e) {
        if (s.dropped) {
            // cancelled by the stream: a result is discarded; a failure (not our cancellation) is kept as suppressed
            if (e == null) run.discard(discard, v);
            else if (failure != null && failure != e && !(e instanceof java.util.concurrent.CancellationException)) failure.addSuppressed(e);
            return;
        }
        if (e == null && v == null) e = new NullPointerException("the stage of mapAsync completed with null: stream items are never null");
        if (e != null) {
            if (failure == null) {
                failure = e;
                dropAll();
                upstream.cancel();
            } else if (failure != e) {
                failure.addSuppressed(e);
            }
            slots.remove(s);
            drive();
            return;
        }
        s.done = true;
        s.value = v;
        if (!ordered) ready.addLast(s);
        drive();
    }

    /** Cancels the running calls and discards the results not passed on. */
    private void dropAll() {
        for (Slot s : slots.toArray(new MapAsyncCursor.Slot[0])) {
            s.dropped = true;
            if (s.done) {
                run.discard(discard, s.value);
                s.value = null;
            } else {
                if (s.task != null) s.task.cancel("mapAsync: the stream failed or was cancelled");
                StreamRun.cancelStage(s.stage);
            }
        }
        slots.clear();
        ready.clear();
    }

    @Override
    public void cancel() {
        if (cancelled) return;
        cancelled = true;
        dropAll();
        upstream.cancel();
        StreamFuture<R> w = want;
        if (w != null) {
            want = null;
            w.cancel(false);
        }
    }
}

package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import dev.aio4j.engine.Outcomes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The consumer of a terminal operation: pulls the run's last stage until the end, a failure, or
 * {@link #STOP}; completes {@link #result} (the terminal group's body stage) and then cancels the
 * stages (a no-op after a normal end). Synchronous items are handled in a loop; after
 * {@value PullingCursor#BATCH} in a row it continues on a later turn of the loop (behind the
 * tasks ready then). If {@link #result} is cancelled (the terminal task was), the stages are
 * cancelled; an item that arrives after that is discarded.
 */
abstract class StreamDriver<T, R> {
    /** What {@link #onItem} returns to stop early (as {@code first()} does). */
    static final Object STOP = new Object();

    final StreamRun run;
    private final Cursor<T> cursor;
    private final Consumer<Object> discard;
    final StreamFuture<R> result;
    private final StreamRun.Resume<T> itemArrived;
    private final StreamRun.Resume<Object> itemHandled;

    StreamDriver(StreamRun run, Cursor<T> cursor, Consumer<Object> discard) {
        this.run = run;
        this.cursor = cursor;
        this.discard = discard;
        this.result = new StreamFuture<>(run.loop);
        this.itemArrived = new StreamRun.Resume<>(run) {
            @Override
            void resume(T x, Throwable e) {
                if (handle(x, e)) step();
            }
        };
        this.itemHandled = new StreamRun.Resume<>(run) {
            @Override
            void resume(Object v, Throwable se) {
                if (se != null) fail(se);
                else step();
            }
        };
        result.whenComplete((v, e) -> {
            if (result.isCancelled()) run.onLoop(cursor::cancel);
        });
    }

    /** Handles an item: null to go on, {@link #STOP}, or a stage to await before going on. */
    abstract Object onItem(T item) throws Exception;

    /** The value at the end (or after {@link #STOP}). */
    abstract R onEnd();

    /** Starts pulling; returns the result. */
    CompletableFuture<R> start() {
        run.serial(this::step);
        return result;
    }

    private void step() {
        int n = 0;
        while (!result.isDone()) {
            CompletableFuture<T> f;
            try {
                f = cursor.next();
            } catch (Throwable t) {
                fail(Outcomes.unwrap(t));
                return;
            }
            if (!f.isDone()) {
                run.await(f, itemArrived);
                return;
            }
            if (!handle(StreamRun.valueOf(f), StreamRun.errorOf(f))) return;
            if (++n >= PullingCursor.BATCH) {
                run.postYield(this::step);
                return;
            }
        }
    }

    /** True to go on pulling now. */
    private boolean handle(T x, Throwable e) {
        if (result.isDone()) {
            run.discard(discard, x);
            return false;
        }
        if (e != null) {
            fail(e);
            return false;
        }
        if (x == null) {
            finish();
            return false;
        }
        Object r;
        try {
            r = onItem(x);
        } catch (Throwable t) {
            fail(Outcomes.unwrap(t));
            return false;
        }
        if (r == null) return true;
        if (r == STOP) {
            finish();
            return false;
        }
        CompletionStage<?> s = (CompletionStage<?>) r;
        if (StreamRun.isDone(s)) {
            Throwable se = StreamRun.errorOf(s.toCompletableFuture());
            if (se == null) return true;
            fail(se);
            return false;
        }
        run.await(s, itemHandled);
        return false;
    }

    private void fail(Throwable e) {
        cursor.cancel();
        result.fail(e);
    }

    private void finish() {
        cursor.cancel();
        R v;
        try {
            v = onEnd();
        } catch (Throwable t) {
            result.fail(t);
            return;
        }
        result.succeed(v);
    }
}

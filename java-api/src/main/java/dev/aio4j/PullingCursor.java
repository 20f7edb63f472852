package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import dev.aio4j.engine.Outcomes;
import java.util.concurrent.CompletableFuture;

/**
 * A stage that pulls its upstream until it has something to pass on (filter, takeWhile, chunked,
 * map). Synchronous upstream items are handled in a loop, not by recursion; after
 * {@value #BATCH} of them in a row it continues on a later turn of the loop, so a long
 * synchronous stream neither grows the stack nor starves the loop.
 */
abstract class PullingCursor<T, R> implements Cursor<R> {
    static final int BATCH = 256;
    /** What {@link #onItem} returns to pull again. */
    static final Object CONTINUE = new Object();

    final StreamRun run;
    final Cursor<T> upstream;
    boolean finished;
    /** The output of the pull waiting for an upstream item (one at a time), for {@link #itemArrived}. */
    private StreamFuture<R> waiting;
    private final StreamRun.Resume<T> itemArrived;

    PullingCursor(StreamRun run, Cursor<T> upstream) {
        this.run = run;
        this.upstream = upstream;
        this.itemArrived = new StreamRun.Resume<>(run) {
            @Override
            void resume(T x, Throwable e) {
                StreamFuture<R> o = waiting;
                waiting = null;
                if (take(o, x, e)) pull(o);
            }
        };
    }

    /** Handles an upstream item: returns the item to pass on, null to end, or {@link #CONTINUE}. */
    abstract Object onItem(T item) throws Exception;

    /** The upstream ended: what to pass on (null: the end). */
    Object onEnd() throws Exception {
        return null;
    }

    /** The upstream failed: what to pass on, or throw. */
    Object onError(Throwable error) throws Throwable {
        throw error;
    }

    /** Called at each {@link #next()} before pulling: a value to pass on at once, or {@link #CONTINUE}. */
    Object before() throws Throwable {
        return finished ? null : CONTINUE;
    }

    @Override
    public CompletableFuture<R> next() {
        Object b;
        try {
            b = before();
        } catch (Throwable t) {
            return StreamRun.failed(Outcomes.unwrap(t));
        }
        if (b != CONTINUE) return StreamRun.done(cast(b));
        StreamFuture<R> o = new StreamFuture<>(run.loop);
        pull(o);
        return o;
    }

    @SuppressWarnings("unchecked")
    private R cast(Object o) {
        return (R) o;
    }

    private void pull(StreamFuture<R> o) {
        int n = 0;
        while (true) {
            CompletableFuture<T> f;
            try {
                f = upstream.next();
            } catch (Throwable t) {
                o.fail(Outcomes.unwrap(t));
                return;
            }
            if (!f.isDone()) {
                waiting = o;
                run.await(f, itemArrived);
                return;
            }
            if (!take(o, StreamRun.valueOf(f), StreamRun.errorOf(f))) return;
            if (++n >= BATCH) {
                run.postYield(() -> pull(o));
                return;
            }
        }
    }

    /** True to pull again. */
    private boolean take(StreamFuture<R> o, T x, Throwable e) {
        Object r;
        try {
            if (e != null) r = onError(e);
            else if (x == null) r = onEnd();
            else r = onItem(x);
        } catch (Throwable t) {
            o.fail(Outcomes.unwrap(t));
            return false;
        }
        if (r == CONTINUE) return true;
        o.succeed(cast(r));
        return false;
    }

    @Override
    public void cancel() {
        finished = true;
        upstream.cancel();
    }
}

package dev.aio4j;

import dev.aio4j.engine.Outcomes;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;

/** {@code of} / {@code fromIterable}: a synchronous source; each item is a completed future. */
final class IterableCursor<T> implements Cursor<T> {
    private final Iterable<? extends T> items;
    private Iterator<? extends T> it;
    private boolean done;

    IterableCursor(Iterable<? extends T> items) {
        this.items = items;
    }

    @Override
    public CompletableFuture<T> next() {
        if (done) return StreamRun.done(null);
        try {
            if (it == null) it = items.iterator();
            if (!it.hasNext()) {
                done = true;
                return StreamRun.done(null);
            }
            T x = it.next();
            if (x == null) throw new NullPointerException("the iterable holds null: stream items are never null");
            return StreamRun.done(x);
        } catch (Throwable t) {
            done = true;
            return StreamRun.failed(Outcomes.unwrap(t));
        }
    }

    @Override
    public void cancel() {
        done = true;
    }
}

package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import java.util.concurrent.CompletableFuture;

/** {@code fromQueue}: each pull is a {@link AsyncQueue#get()}; cancelling withdraws the pending get (the item stays in the queue). */
final class QueueCursor<T> implements Cursor<T> {
    private final StreamRun run;
    private final AsyncQueue<T> queue;
    private CompletableFuture<T> pending;
    private boolean done;

    QueueCursor(StreamRun run, AsyncQueue<T> queue) {
        this.run = run;
        this.queue = queue;
    }

    @Override
    public CompletableFuture<T> next() {
        if (done) return StreamRun.done(null);
        CompletableFuture<T> g = queue.get();
        if (g.isDone()) return map(g);
        pending = g;
        StreamFuture<T> out = new StreamFuture<>(run.loop);
        run.when(g, (x, e) -> {
            pending = null;
            if (e instanceof QueueShutDownException) {
                done = true;
                out.succeed(null);
            } else if (e != null) {
                out.fail(e);
            } else {
                out.succeed(x);
            }
        });
        return out;
    }

    private CompletableFuture<T> map(CompletableFuture<T> g) {
        Throwable e = StreamRun.errorOf(g);
        if (e instanceof QueueShutDownException) {
            done = true;
            return StreamRun.done(null);
        }
        return g;
    }

    @Override
    public void cancel() {
        done = true;
        CompletableFuture<T> p = pending;
        if (p != null) p.cancel(true);
    }
}

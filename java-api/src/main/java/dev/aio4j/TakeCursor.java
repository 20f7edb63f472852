package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import java.util.concurrent.CompletableFuture;

/**
 * {@code take(n)}: passes n items, cancelling the upstream as the n-th passes (an item the
 * producer is emitting then is discarded by the upstream); {@code take(0)} never pulls.
 */
final class TakeCursor<T> implements Cursor<T> {
    private final StreamRun run;
    private final Cursor<T> upstream;
    private final long limit;
    private long count;
    private boolean upstreamCancelled;

    TakeCursor(StreamRun run, Cursor<T> upstream, long limit) {
        this.run = run;
        this.upstream = upstream;
        this.limit = limit;
    }

    @Override
    public CompletableFuture<T> next() {
        if (count >= limit) {
            cancel();
            return StreamRun.done(null);
        }
        CompletableFuture<T> f = upstream.next();
        if (f.isDone()) {
            if (StreamRun.errorOf(f) == null && StreamRun.valueOf(f) != null && ++count >= limit) cancel();
            return f;
        }
        StreamFuture<T> out = new StreamFuture<>(run.loop);
        run.when(f, (x, e) -> {
            if (e != null) {
                out.fail(e);
                return;
            }
            if (x != null && ++count >= limit) cancel();
            out.succeed(x);
        });
        return out;
    }

    @Override
    public void cancel() {
        if (upstreamCancelled) return;
        upstreamCancelled = true;
        count = Math.max(count, limit);
        upstream.cancel();
    }
}

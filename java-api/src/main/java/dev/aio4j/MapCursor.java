package dev.aio4j;

import dev.aio4j.engine.sync.StreamFuture;
import dev.aio4j.engine.Outcomes;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** {@code map}: applies the function to each item as it passes. */
final class MapCursor<T, R> implements Cursor<R> {
    private final StreamRun run;
    private final Cursor<T> upstream;
    private final Function<? super T, ? extends R> fn;

    MapCursor(StreamRun run, Cursor<T> upstream, Function<? super T, ? extends R> fn) {
        this.run = run;
        this.upstream = upstream;
        this.fn = fn;
    }

    @Override
    public CompletableFuture<R> next() {
        CompletableFuture<T> f = upstream.next();
        if (f.isDone()) {
            Throwable e = StreamRun.errorOf(f);
            if (e != null) return StreamRun.failed(e);
            return apply(StreamRun.valueOf(f));
        }
        StreamFuture<R> out = new StreamFuture<>(run.loop);
        run.when(f, (x, e) -> {
            if (e != null) {
                out.fail(e);
                return;
            }
            CompletableFuture<R> r = apply(x);
            Throwable re = StreamRun.errorOf(r);
            if (re != null) out.fail(re);
            else out.succeed(StreamRun.valueOf(r));
        });
        return out;
    }

    private CompletableFuture<R> apply(T x) {
        if (x == null) return StreamRun.done(null);
        try {
            return StreamRun.done(Objects.requireNonNull(fn.apply(x), "the function of map returned null: stream items are never null"));
        } catch (Throwable t) {
            return StreamRun.failed(Outcomes.unwrap(t));
        }
    }

    @Override
    public void cancel() {
        upstream.cancel();
    }
}
